// Markdown rendering of a run report. Figures carry footnotes that name the events they come from;
// text quoted from events (reasons, details, names, versions) is shown in code spans.

import type { Cited } from './evidence.js';
import { Footnotes } from './footnotes.js';
import { fmtBytes, fmtLatency, fmtMs, fmtNumber, fmtSignedPercent } from './format.js';
import type { GateView, RunReport } from './report-model.js';

/** Inline code span for quoted text; backticks and line breaks cannot break out of it. */
export function code(text: string): string {
  const clean = text
    .replace(/`/g, "'")
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '/');
  return clean === '' ? '' : `\`${clean}\``;
}

const cell = (s: string) => s.replace(/\|/g, '/');

function table(head: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['_None recorded._', ''];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

export function renderMarkdown(r: RunReport): string {
  const f = new Footnotes();
  const c = <T>(x: Cited<T> | null, show: (v: T) => string = String) => (x === null ? '—' : f.cite(x, show));
  const s = r.summary;
  const out: string[] = [];
  out.push(`# Rollgate report: ${code(s.app)} ${code(s.version)} to ${code(s.environment)}`, '');
  out.push(`**Decision: ${r.decision.decision}**. ${r.decision.ruleText}`, '');
  out.push('## Summary', '');
  out.push(
    ...table(
      ['Field', 'Value'],
      [
        ['App', code(s.app)],
        ['Version', code(s.version)],
        ['Environment', code(s.environment)],
        ['Run', code(s.runId)],
        ['Result', c(s.result)],
        ['Started', c(s.startedAt)],
        ['Finished', c(s.finishedAt)],
        ['Duration', c(s.durationMs, fmtMs)],
        ['Triggered by', c(s.triggeredBy, code)],
        [
          'Approved by',
          s.approvedBy.length
            ? s.approvedBy.map((a) => c(a, code)).join(', ')
            : 'nobody (no approval recorded)',
        ],
        ['Reason', c(s.reason, code)],
      ],
    ),
  );
  out.push('## Go/no-go rules', '');
  out.push(
    ...table(
      ['Rule', 'State', 'Detail', 'Evidence'],
      r.decision.rules.map((x) => [x.rule, x.state, x.detail, f.ref(x.eventIds) || 'none']),
    ),
  );
  out.push('## Readiness matrix', '');
  out.push(
    ...table(
      ['Kind', 'Name', 'State', 'Evidence (events)'],
      r.readiness.map((x) => [
        x.kind,
        code(x.name),
        c(x.state),
        x.evidence === null ? 'none' : c(x.evidence),
      ]),
    ),
  );
  out.push('## Gates', '');
  if (r.gates.length === 0) out.push('_No gate was evaluated._', '');
  for (const g of r.gates) out.push(...gateSection(g, f, c));
  out.push('## Health', '', '### Pre-flight checks', '');
  out.push(
    ...table(
      ['Time', 'Check', 'OK', 'Detail'],
      r.health.checks.map((x) => [c(x.time), code(x.check), c(x.ok), code(x.detail)]),
    ),
  );
  out.push('### Instance health transitions', '');
  out.push(
    ...table(
      ['Time', 'Release', 'Instance', 'Healthy', 'Detail'],
      r.health.transitions.map((x) => [
        c(x.time),
        code(x.version),
        code(x.instance),
        c(x.healthy),
        code(x.detail),
      ]),
    ),
  );
  out.push('## Migrations', '');
  out.push(
    ...table(
      ['Version', 'File', 'Checksum', 'Duration', 'Statements', 'Verified'],
      r.migrations.applied.map((m) => [
        c(m.version),
        code(m.file),
        c(m.checksum, code),
        c(m.durationMs, fmtMs),
        c(m.statements),
        c(m.verified),
      ]),
    ),
  );
  out.push('### Backups', '');
  out.push(
    ...table(
      ['File', 'Size', 'SHA-256', 'Entries listed by pg_restore', 'Verified'],
      r.migrations.backups.map((b) => [
        b.skipped ? 'skipped' : code(b.file),
        c(b.sizeBytes, fmtBytes),
        c(b.sha256, code),
        c(b.tocEntries),
        c(b.verified),
      ]),
    ),
  );
  if (r.migrations.failures.length) {
    out.push('### Migration failures', '');
    out.push(
      ...table(
        ['Version', 'Error'],
        r.migrations.failures.map((x) => [c(x.version), c(x.error, code)]),
      ),
    );
  }
  out.push('## Synthetic load', '');
  out.push(
    ...table(
      ['Time', 'URL', 'Requests', 'Errors', 'p50', 'p95', 'p99'],
      r.load.map((l) => [
        c(l.time),
        code(l.url),
        c(l.requests),
        c(l.errors),
        c(l.p50, fmtLatency),
        c(l.p95, fmtLatency),
        c(l.p99, fmtLatency),
      ]),
    ),
  );
  out.push('## Traffic timeline', '');
  out.push(
    ...table(
      ['Time', 'Weights', 'Cause'],
      r.traffic.map((p) => [
        c(p.time),
        Object.entries(p.weights)
          .map(([v, w]) => `${code(v)} ${f.cite(w, (n) => `${n}%`)}`)
          .join(', '),
        p.cause,
      ]),
    ),
  );
  out.push('## Rollback', '');
  if (r.rollback === null) out.push('_No rollback was recorded._', '');
  else {
    const rb = r.rollback;
    out.push(
      ...table(
        ['Field', 'Value'],
        [
          ['Cause', c(rb.cause, code)],
          ['Restored to', c(rb.restoredTo, code)],
          ['Time to restore', c(rb.timeToRestoreMs, fmtMs)],
          [
            'Rollback hooks',
            rb.hooks ? `${c(rb.hooks.count)} ran, ${c(rb.hooks.failed)} failed` : 'none ran',
          ],
        ],
      ),
    );
  }
  out.push('## Notifications', '');
  out.push(
    ...table(
      ['Time', 'Event', 'Target', 'Delivered', 'HTTP status'],
      r.notifications.map((n) => [
        c(n.time),
        code(n.event),
        c(n.target, (t) => `#${t}`),
        c(n.ok),
        c(n.status),
      ]),
    ),
  );
  out.push('## Claims', '');
  out.push(
    ...table(
      ['Claim', 'Status', 'Figure', 'Required', 'How it was judged'],
      r.claims.map((x) => {
        const unit =
          x.unit === 'ms' ? fmtLatency : (n: number) => `${fmtNumber(n)}${x.unit === '%' ? '%' : ''}`;
        return [
          code(x.text),
          x.status === 'verified' ? 'verified' : x.status === 'failed' ? '**failed**' : '**UNVERIFIED**',
          c(x.figure, unit),
          x.threshold ? `${x.threshold.op} ${c(x.threshold.value, unit)}` : '—',
          x.explanation,
        ];
      }),
    ),
  );
  out.push(
    '---',
    '',
    'Built only from the events recorded for this run. Every figure cites the events it comes from; text quoted from events is shown as code. A claim with no evidence is UNVERIFIED, never passed.',
    '',
  );
  out.push(...f.definitions(r.evidence), '');
  return out.join('\n');
}

function gateSection(
  g: GateView,
  f: Footnotes,
  c: <T>(x: Cited<T> | null, show?: (v: T) => string) => string,
): string[] {
  const out: string[] = [];
  out.push(
    `### Gate ${code(g.gate)}${g.label ? ` ${code(g.label)}` : ''}: ${c(g.verdict) === '—' ? 'no verdict' : c(g.verdict)}`,
    '',
  );
  out.push(
    `Started ${c(g.startedAt)}; score ${c(g.score, fmtNumber)}.${g.reason ? ` Reason: ${c(g.reason, code)}` : ''}`,
    '',
  );
  out.push(
    ...table(
      ['Metric', 'Query', 'Condition', 'Verdict', 'Decisive value'],
      g.metrics.map((m) => [
        code(m.name),
        code(m.query ?? ''),
        code(m.condition ?? ''),
        c(m.verdict),
        c(m.value, fmtNumber),
      ]),
    ),
  );
  const rows = g.metrics.flatMap((m) =>
    m.measurements.map((x) => [
      code(m.name),
      c(x.index),
      c(x.time),
      c(x.value, fmtNumber),
      c(x.sampleCount),
      c(x.verdict),
      ...(m.judge
        ? [
            c(x.canaryMedian, fmtNumber),
            c(x.stableMedian, fmtNumber),
            c(x.pValue, fmtNumber),
            c(x.relativeEffect, fmtSignedPercent),
          ]
        : ['—', '—', '—', '—']),
    ]),
  );
  if (rows.length) {
    out.push(
      ...table(
        [
          'Metric',
          'Measurement',
          'Time',
          'Value',
          'Samples',
          'Verdict',
          'Canary median',
          'Stable median',
          'p-value',
          'Effect',
        ],
        rows,
      ),
    );
  }
  void f;
  return out;
}
