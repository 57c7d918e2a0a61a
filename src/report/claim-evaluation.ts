// Judges each plan claim against the recorded evidence: verified with its figure when the evidence
// proves it, failed when the evidence disproves it, UNVERIFIED when nothing recorded measures it.
// A figure is always the worst the evidence shows (highest latency, highest error rate), so a
// claim holds for the whole run or not at all.

import type { EventRecord } from '../store/store.js';
import { type ClaimMetric, holds, type ParsedClaim, parseClaim } from './claim-parser.js';
import { type Cited, cite, num, obj } from './evidence.js';
import type { ClaimView, ReportSummary, RollbackView } from './report-model.js';

interface Figure {
  value: Cited<number>;
  how: string;
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

function loadTotals(events: readonly EventRecord[]) {
  const loads = events.filter((e) => e.kind === 'load.result' && num(e.data.requests) !== null);
  const requests = loads.reduce((n, e) => n + (num(e.data.requests) ?? 0), 0);
  const errors = loads.reduce((n, e) => n + (num(e.data.errors) ?? 0), 0);
  return { loads, requests, errors };
}

function measurements(events: readonly EventRecord[], query: string): EventRecord[] {
  return events.filter(
    (e) => e.kind === 'analysis.measurement' && e.data.query === query && num(e.data.value) !== null,
  );
}

function worst(
  candidates: Array<{ value: number; e: EventRecord }>,
): { value: number; e: EventRecord } | undefined {
  let best: { value: number; e: EventRecord } | undefined;
  for (const c of candidates) if (best === undefined || c.value > best.value) best = c;
  return best;
}

function figureFor(
  metric: ClaimMetric,
  events: readonly EventRecord[],
  summary: ReportSummary,
  rollback: RollbackView | null,
): Figure | string {
  switch (metric.kind) {
    case 'latency': {
      const key = `p${metric.percentile}`;
      const candidates: Array<{ value: number; e: EventRecord }> = [];
      for (const e of events) {
        if (e.kind !== 'load.result') continue;
        const v = num(obj(e.data.latencyMs)?.[key]);
        if (v !== null) candidates.push({ value: v, e });
      }
      for (const e of measurements(events, `latency_${key}`))
        candidates.push({ value: num(e.data.value) as number, e });
      const w = worst(candidates);
      if (w === undefined)
        return `no ${key} latency was recorded (load results or latency_${key} measurements)`;
      return {
        value: cite(round(w.value, 1), w.e),
        how: `the worst ${key} latency among the cited load results and router measurements`,
      };
    }
    case 'error-rate': {
      const t = loadTotals(events);
      const candidates: Array<{ value: number; ids: number[] }> = [];
      if (t.requests > 0) candidates.push({ value: t.errors / t.requests, ids: t.loads.map((e) => e.id) });
      for (const e of measurements(events, 'error_rate'))
        candidates.push({ value: num(e.data.value) as number, ids: [e.id] });
      if (candidates.length === 0) return 'no request counts or error_rate measurements were recorded';
      const w = candidates.reduce((a, b) => (b.value > a.value ? b : a));
      return {
        value: cite(round(w.value * 100), w.ids),
        how: 'the highest error rate among the cited load results and error_rate measurements, in percent',
      };
    }
    case 'failed-requests': {
      const t = loadTotals(events);
      if (t.loads.length === 0) return 'no load results were recorded, so failed requests were not counted';
      return {
        value: cite(
          t.errors,
          t.loads.map((e) => e.id),
        ),
        how: 'failed requests (connection errors and non-2xx answers) summed over the cited load results',
      };
    }
    case 'availability': {
      const t = loadTotals(events);
      if (t.requests === 0) return 'no request counts were recorded; availability cannot be computed';
      return {
        value: cite(
          round((1 - t.errors / t.requests) * 100),
          t.loads.map((e) => e.id),
        ),
        how: 'the share of successful requests over the cited load results, in percent',
      };
    }
    case 'rollback-time': {
      if (rollback === null) return 'no rollback happened in this run, so its time was not measured';
      if (rollback.timeToRestoreMs === null)
        return 'a rollback was recorded without the failure that started it';
      return {
        value: rollback.timeToRestoreMs,
        how: 'from the decisive failure event to all traffic back on the stable release',
      };
    }
    case 'deploy-duration':
      if (summary.durationMs === null) return 'the run has no recorded start and end';
      return { value: summary.durationMs, how: 'from run.started to the final run event' };
  }
}

function unitOf(m: ClaimMetric): string {
  if (m.kind === 'error-rate' || m.kind === 'availability') return '%';
  if (m.kind === 'failed-requests') return 'requests';
  return 'ms';
}

/** The claim's value in the unit the figure is shown in (percent for rates). */
function displayed(c: ParsedClaim): number {
  return c.metric.kind === 'error-rate' || c.metric.kind === 'availability' ? round(c.value * 100) : c.value;
}

export function evaluateClaims(
  claims: readonly string[],
  events: readonly EventRecord[],
  summary: ReportSummary,
  rollback: RollbackView | null,
  /** The event that recorded the plan the claims come from (run.created). */
  planEventIds: readonly number[],
): ClaimView[] {
  return claims.map((text): ClaimView => {
    const parsed = parseClaim(text);
    if (parsed === undefined) {
      return {
        text,
        status: 'UNVERIFIED',
        figure: null,
        unit: null,
        threshold: null,
        explanation:
          'Rollgate cannot measure this claim (known: p50/p95/p99 latency, error rate, failed requests, availability, rollback time, deploy duration)',
      };
    }
    const f = figureFor(parsed.metric, events, summary, rollback);
    const unit = unitOf(parsed.metric);
    if (typeof f === 'string') {
      return {
        text,
        status: 'UNVERIFIED',
        figure: null,
        unit,
        threshold: { op: parsed.op, value: cite(displayed(parsed), planEventIds) },
        explanation: f,
      };
    }
    const ok = holds(parsed.op, f.value.value, displayed(parsed));
    return {
      text,
      status: ok ? 'verified' : 'failed',
      figure: f.value,
      unit,
      explanation: f.how,
      threshold: { op: parsed.op, value: cite(displayed(parsed), planEventIds) },
    };
  });
}
