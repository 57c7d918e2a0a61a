// HTML rendering of a run report: one self-contained file (inline CSS and SVG, no network, no
// scripts) with charts of the canary's metrics against stable and of the traffic weights. Every
// figure links to the event it comes from in the evidence list at the end. Prints cleanly.

import type { Cited } from './evidence.js';
import { fmtBytes, fmtLatency, fmtMs, fmtNumber, fmtSignedPercent } from './format.js';
import type { GateView, RunReport } from './report-model.js';
import { type ChartSeries, escapeXml as esc, lineChart } from './svg-chart.js';

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font:12px ui-monospace,Menlo,monospace;background:#f6f6f6;padding:0 .2rem;word-break:break-all}
sup.cite a{color:#666;text-decoration:none;font-size:.7rem}
.decision{display:inline-block;padding:.3rem .8rem;border-radius:4px;font-weight:700;color:#fff}
.GO{background:#2e7d32}.NO-GO{background:#c62828}
.holds,.verified,.passed{color:#2e7d32;font-weight:600}.broken,.failed{color:#c62828;font-weight:600}
.unverified,.UNVERIFIED,.inconclusive{color:#a15c00;font-weight:700}
.chart{max-width:100%;height:auto;margin:.5rem 0}.chart-title{font-weight:600;font-size:12px}
.tick{font-size:10px;fill:#555}.axis{stroke:#999}.threshold{stroke:#c62828;stroke-dasharray:4 3}
.evidence li{font:12px ui-monospace,Menlo,monospace}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}table,svg{break-inside:avoid}a{color:inherit}}
`;

function cite<T>(c: Cited<T> | null, show: (v: T) => string = (v) => esc(String(v))): string {
  if (c === null) return '—';
  const refs = c.eventIds.map((id) => `<a href="#ev-${id}">#${id}</a>`).join(' ');
  return `${show(c.value)}${refs ? `<sup class="cite">${refs}</sup>` : ''}`;
}

const code = (s: string) => (s === '' ? '' : `<code>${esc(s)}</code>`);

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p><em>None recorded.</em></p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((x) => `<td>${x}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const cls = (state: string, text = state) =>
  `<span class="${esc(state.replace(/\s+/g, '-'))}">${esc(text)}</span>`;

function thresholdOf(condition: string | null): { value: number; label: string } | undefined {
  const m = condition ? /^(<=|<|>=|>)\s*(-?\d+(?:\.\d+)?)$/.exec(condition.trim()) : null;
  return m ? { value: Number(m[2]), label: `threshold ${condition}` } : undefined;
}

/** Charts per metric over the whole run: judge metrics as canary vs stable medians, others against their threshold. */
function metricCharts(gates: readonly GateView[]): string[] {
  const byMetric = new Map<
    string,
    { judge: boolean; condition: string | null; canary: ChartSeries; stable: ChartSeries }
  >();
  for (const g of gates) {
    for (const m of g.metrics) {
      let entry = byMetric.get(m.name);
      if (entry === undefined) {
        entry = {
          judge: m.judge,
          condition: m.condition,
          canary: { name: m.judge ? 'canary median' : 'canary', points: [] },
          stable: { name: 'stable median', points: [] },
        };
        byMetric.set(m.name, entry);
      }
      for (const x of m.measurements) {
        const t = Date.parse(x.time.value);
        if (m.judge) {
          if (x.canaryMedian) entry.canary.points.push({ t, v: x.canaryMedian.value });
          if (x.stableMedian) entry.stable.points.push({ t, v: x.stableMedian.value });
        } else if (x.value) entry.canary.points.push({ t, v: x.value.value });
      }
    }
  }
  const out: string[] = [];
  for (const [name, e] of byMetric) {
    const threshold = e.judge ? undefined : thresholdOf(e.condition);
    const svg = lineChart({
      title: e.judge ? `${name}: canary vs stable (medians)` : `${name}: canary measurements`,
      yLabel: name,
      series: e.judge ? [e.canary, e.stable] : [e.canary],
      ...(threshold && { threshold }),
    });
    if (svg) out.push(svg);
  }
  return out;
}

function trafficChart(r: RunReport): string {
  const series = new Map<string, ChartSeries>();
  for (const p of r.traffic) {
    const t = Date.parse(p.time.value);
    for (const [v, w] of Object.entries(p.weights)) {
      let s = series.get(v);
      if (!s) {
        s = { name: `release ${v}`, points: [] };
        series.set(v, s);
      }
      s.points.push({ t, v: w.value });
    }
  }
  return lineChart({
    title: 'Traffic weight per release (%)',
    yLabel: '% of traffic',
    series: [...series.values()],
    step: true,
    yMin: 0,
    yMax: 100,
  });
}

export function renderHtml(r: RunReport): string {
  const s = r.summary;
  const body: string[] = [];
  body.push(
    `<h1>Rollgate report: ${code(s.app)} ${code(s.version)} to ${code(s.environment)}</h1>`,
    `<p><span class="decision ${r.decision.decision}">${r.decision.decision}</span> ${esc(r.decision.ruleText)}</p>`,
    '<h2>Summary</h2>',
    table(
      ['Field', 'Value'],
      [
        ['Run', code(s.runId)],
        ['Result', cite(s.result)],
        ['Started', cite(s.startedAt)],
        ['Finished', cite(s.finishedAt)],
        ['Duration', cite(s.durationMs, fmtMs)],
        ['Triggered by', cite(s.triggeredBy, code)],
        [
          'Approved by',
          s.approvedBy.length
            ? s.approvedBy.map((a) => cite(a, code)).join(', ')
            : 'nobody (no approval recorded)',
        ],
        ['Reason', cite(s.reason, code)],
      ],
    ),
    '<h2>Go/no-go rules</h2>',
    table(
      ['Rule', 'State', 'Detail'],
      r.decision.rules.map((x) => [
        esc(x.rule),
        cite({ value: x.state, eventIds: x.eventIds }, (v) => cls(v)),
        esc(x.detail),
      ]),
    ),
    '<h2>Readiness matrix</h2>',
    table(
      ['Kind', 'Name', 'State', 'Evidence (events)'],
      r.readiness.map((x) => [
        esc(x.kind),
        code(x.name),
        cite(x.state, (v) => cls(v)),
        x.evidence === null ? 'none' : cite(x.evidence),
      ]),
    ),
    '<h2>Gates</h2>',
  );
  const charts = metricCharts(r.gates);
  if (charts.length) body.push(...charts);
  if (r.gates.length === 0) body.push('<p><em>No gate was evaluated.</em></p>');
  for (const g of r.gates) {
    body.push(
      `<h3>Gate ${code(g.gate)} ${g.label ? code(g.label) : ''}: ${g.verdict ? cite(g.verdict, (v) => cls(v === 'pass' ? 'passed' : v === 'fail' ? 'failed' : v, v)) : 'no verdict'}</h3>`,
      `<p>Started ${cite(g.startedAt)}; score ${cite(g.score, fmtNumber)}. ${g.reason ? `Reason: ${cite(g.reason, code)}` : ''}</p>`,
      table(
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
        g.metrics.flatMap((m) =>
          m.measurements.map((x) => [
            `${code(m.name)} ${code(m.condition ?? '')}`,
            cite(x.index),
            cite(x.time),
            cite(x.value, fmtNumber),
            cite(x.sampleCount),
            cite(x.verdict),
            cite(x.canaryMedian, fmtNumber),
            cite(x.stableMedian, fmtNumber),
            cite(x.pValue, fmtNumber),
            cite(x.relativeEffect, fmtSignedPercent),
          ]),
        ),
      ),
    );
  }
  body.push('<h2>Traffic</h2>', trafficChart(r));
  body.push(
    table(
      ['Time', 'Weights', 'Cause'],
      r.traffic.map((p) => [
        cite(p.time),
        Object.entries(p.weights)
          .map(([v, w]) => `${code(v)} ${cite(w, (n) => `${n}%`)}`)
          .join(', '),
        esc(p.cause),
      ]),
    ),
    '<h3>Synthetic load</h3>',
    table(
      ['Time', 'URL', 'Requests', 'Errors', 'p50', 'p95', 'p99'],
      r.load.map((l) => [
        cite(l.time),
        code(l.url),
        cite(l.requests),
        cite(l.errors),
        cite(l.p50, fmtLatency),
        cite(l.p95, fmtLatency),
        cite(l.p99, fmtLatency),
      ]),
    ),
    '<h2>Rollback</h2>',
    r.rollback === null
      ? '<p><em>No rollback was recorded.</em></p>'
      : table(
          ['Field', 'Value'],
          [
            ['Cause', cite(r.rollback.cause, code)],
            ['Restored to', cite(r.rollback.restoredTo, code)],
            ['Time to restore', cite(r.rollback.timeToRestoreMs, fmtMs)],
            [
              'Rollback hooks',
              r.rollback.hooks
                ? `${cite(r.rollback.hooks.count)} ran, ${cite(r.rollback.hooks.failed)} failed`
                : 'none ran',
            ],
          ],
        ),
    '<h2>Health</h2>',
    table(
      ['Time', 'Check', 'OK', 'Detail'],
      r.health.checks.map((x) => [cite(x.time), code(x.check), cite(x.ok), code(x.detail)]),
    ),
    table(
      ['Time', 'Release', 'Instance', 'Healthy', 'Detail'],
      r.health.transitions.map((x) => [
        cite(x.time),
        code(x.version),
        code(x.instance),
        cite(x.healthy),
        code(x.detail),
      ]),
    ),
    '<h2>Migrations</h2>',
    table(
      ['Version', 'File', 'Checksum', 'Duration', 'Statements', 'Verified'],
      r.migrations.applied.map((m) => [
        cite(m.version),
        code(m.file),
        cite(m.checksum, code),
        cite(m.durationMs, fmtMs),
        cite(m.statements),
        cite(m.verified),
      ]),
    ),
    table(
      ['Backup', 'Size', 'SHA-256', 'Entries listed by pg_restore', 'Verified'],
      r.migrations.backups.map((b) => [
        b.skipped ? 'skipped' : code(b.file),
        cite(b.sizeBytes, fmtBytes),
        cite(b.sha256, code),
        cite(b.tocEntries),
        cite(b.verified),
      ]),
    ),
    r.migrations.failures.length
      ? table(
          ['Version', 'Error'],
          r.migrations.failures.map((x) => [cite(x.version), cite(x.error, code)]),
        )
      : '',
    '<h2>Notifications</h2>',
    table(
      ['Time', 'Event', 'Target', 'Delivered', 'HTTP status'],
      r.notifications.map((n) => [
        cite(n.time),
        code(n.event),
        cite(n.target, (t) => `#${t}`),
        cite(n.ok),
        cite(n.status),
      ]),
    ),
    '<h2>Claims</h2>',
    table(
      ['Claim', 'Status', 'Figure', 'Required', 'How it was judged'],
      r.claims.map((x) => {
        const unit =
          x.unit === 'ms' ? fmtLatency : (n: number) => `${fmtNumber(n)}${x.unit === '%' ? '%' : ''}`;
        return [
          code(x.text),
          cls(x.status),
          cite(x.figure, unit),
          x.threshold ? `${esc(x.threshold.op)} ${cite(x.threshold.value, unit)}` : '—',
          esc(x.explanation),
        ];
      }),
    ),
    '<h2>Evidence</h2>',
    '<p>Built only from the events recorded for this run. Every figure links to the events it comes from. A claim with no evidence is UNVERIFIED, never passed.</p>',
    `<ol class="evidence">${r.evidence
      .map(
        (e) =>
          `<li id="ev-${e.id}" value="${e.id}">#${e.id} ${esc(e.kind)} at ${esc(e.time)}${e.stepKey ? ` (step ${esc(e.stepKey)})` : ''} from ${esc(e.source)}</li>`,
      )
      .join('')}</ol>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rollgate report ${esc(s.app)} ${esc(s.version)} ${esc(s.environment)} (${esc(r.decision.decision)})</title>
<style>${css}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
