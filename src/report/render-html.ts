// HTML rendering of a run report: one self-contained file (inline CSS and SVG, no network, no
// scripts) with charts of the canary's metrics against stable and of the traffic weights. Every
// figure links to the event it comes from in the evidence list at the end. Prints cleanly.

import type { Cited } from './evidence.js';
import { fmtNumber } from './format.js';
import type { GateView, RunReport } from './report-model.js';
import * as sections from './section-rows.js';
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

function table({ head, rows }: sections.Section): string {
  if (rows.length === 0) return '<p><em>None recorded.</em></p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((x) => `<td>${x}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const cls = (state: string, text = state) =>
  `<span class="${esc(state.replace(/\s+/g, '-'))}">${esc(text)}</span>`;

const cells: sections.CellFormat = {
  cite,
  code,
  text: esc,
  state: (v) => cls(v),
  claimStatus: (v) => cls(v),
};

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
    table({ head: ['Field', 'Value'], rows: sections.summaryRows(s, cells) }),
    '<h2>Go/no-go rules</h2>',
    table({
      head: ['Rule', 'State', 'Detail'],
      rows: r.decision.rules.map((x) => [
        esc(x.rule),
        cite({ value: x.state, eventIds: x.eventIds }, (v) => cls(v)),
        esc(x.detail),
      ]),
    }),
    '<h2>Readiness matrix</h2>',
    table(sections.readiness(r.readiness, cells)),
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
        sections.measurements(g, cells, {
          metricCell: (m) => `${code(m.name)} ${code(m.condition ?? '')}`,
          judgeFigures: () => true,
        }),
      ),
    );
  }
  body.push('<h2>Traffic</h2>', trafficChart(r));
  body.push(
    table(sections.traffic(r.traffic, cells)),
    '<h3>Synthetic load</h3>',
    table(sections.load(r.load, cells)),
    '<h2>Rollback</h2>',
    r.rollback === null
      ? '<p><em>No rollback was recorded.</em></p>'
      : table(sections.rollback(r.rollback, cells)),
    '<h2>Health</h2>',
    table(sections.healthChecks(r.health.checks, cells)),
    table(sections.healthTransitions(r.health.transitions, cells)),
    '<h2>Migrations</h2>',
    table(sections.migrations(r.migrations.applied, cells)),
    table(sections.backups(r.migrations.backups, cells, 'Backup')),
    r.migrations.failures.length ? table(sections.migrationFailures(r.migrations.failures, cells)) : '',
    '<h2>Notifications</h2>',
    table(sections.notifications(r.notifications, cells)),
    '<h2>Claims</h2>',
    table(sections.claims(r.claims, cells)),
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
