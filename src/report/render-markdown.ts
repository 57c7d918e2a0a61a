// Markdown rendering of a run report. Figures carry footnotes that name the events they come from;
// text quoted from events (reasons, details, names, versions) is shown in code spans.

import { Footnotes } from './footnotes.js';
import { fmtNumber } from './format.js';
import type { GateView, RunReport } from './report-model.js';
import * as sections from './section-rows.js';

/** Inline code span for quoted text; backticks and line breaks cannot break out of it. */
export function code(text: string): string {
  const clean = text
    .replace(/`/g, "'")
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '/');
  return clean === '' ? '' : `\`${clean}\``;
}

const cell = (s: string) => s.replace(/\|/g, '/');

function table({ head, rows }: sections.Section): string[] {
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
  const cells: sections.CellFormat = {
    cite: (x, show = String) => (x === null ? '—' : f.cite(x, show)),
    code,
    text: (t) => t,
    state: (t) => t,
    claimStatus: (t) => (t === 'verified' ? 'verified' : t === 'failed' ? '**failed**' : '**UNVERIFIED**'),
  };
  const s = r.summary;
  const out: string[] = [];
  out.push(`# Rollgate report: ${code(s.app)} ${code(s.version)} to ${code(s.environment)}`, '');
  out.push(`**Decision: ${r.decision.decision}**. ${r.decision.ruleText}`, '');
  out.push('## Summary', '');
  out.push(
    ...table({
      head: ['Field', 'Value'],
      rows: [
        ['App', code(s.app)],
        ['Version', code(s.version)],
        ['Environment', code(s.environment)],
        ...sections.summaryRows(s, cells),
      ],
    }),
  );
  out.push('## Go/no-go rules', '');
  out.push(
    ...table({
      head: ['Rule', 'State', 'Detail', 'Evidence'],
      rows: r.decision.rules.map((x) => [x.rule, x.state, x.detail, f.ref(x.eventIds) || 'none']),
    }),
  );
  out.push('## Readiness matrix', '');
  out.push(...table(sections.readiness(r.readiness, cells)));
  out.push('## Gates', '');
  if (r.gates.length === 0) out.push('_No gate was evaluated._', '');
  for (const g of r.gates) out.push(...gateSection(g, cells));
  out.push('## Health', '', '### Pre-flight checks', '');
  out.push(...table(sections.healthChecks(r.health.checks, cells)));
  out.push('### Instance health transitions', '');
  out.push(...table(sections.healthTransitions(r.health.transitions, cells)));
  out.push('## Migrations', '');
  out.push(...table(sections.migrations(r.migrations.applied, cells)));
  out.push('### Backups', '');
  out.push(...table(sections.backups(r.migrations.backups, cells, 'File')));
  if (r.migrations.failures.length) {
    out.push('### Migration failures', '');
    out.push(...table(sections.migrationFailures(r.migrations.failures, cells)));
  }
  out.push('## Synthetic load', '');
  out.push(...table(sections.load(r.load, cells)));
  out.push('## Traffic timeline', '');
  out.push(...table(sections.traffic(r.traffic, cells)));
  out.push('## Rollback', '');
  if (r.rollback === null) out.push('_No rollback was recorded._', '');
  else out.push(...table(sections.rollback(r.rollback, cells)));
  out.push('## Notifications', '');
  out.push(...table(sections.notifications(r.notifications, cells)));
  out.push('## Claims', '');
  out.push(...table(sections.claims(r.claims, cells)));
  out.push(
    '---',
    '',
    'Built only from the events recorded for this run. Every figure cites the events it comes from; text quoted from events is shown as code. A claim with no evidence is UNVERIFIED, never passed.',
    '',
  );
  out.push(...f.definitions(r.evidence), '');
  return out.join('\n');
}

function gateSection(g: GateView, cells: sections.CellFormat): string[] {
  const c = cells.cite;
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
    ...table({
      head: ['Metric', 'Query', 'Condition', 'Verdict', 'Decisive value'],
      rows: g.metrics.map((m) => [
        code(m.name),
        code(m.query ?? ''),
        code(m.condition ?? ''),
        c(m.verdict),
        c(m.value, fmtNumber),
      ]),
    }),
  );
  const measurements = sections.measurements(g, cells, {
    metricCell: (m) => code(m.name),
    judgeFigures: (m) => m.judge,
  });
  if (measurements.rows.length) out.push(...table(measurements));
  return out;
}
