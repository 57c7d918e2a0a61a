// Gate evaluations: each analysis of a gate (its analysis.started, every analysis.measurement and
// the analysis.verdict) grouped into one view with its thresholds and the judge's statistics.
// The rollout records a second analysis.started/verdict pair around the analyzer's own; both
// belong to the same evaluation and are merged here.

import type { EventRecord } from '../store/store.js';
import { type Cited, cite, iso, num, obj, str } from './evidence.js';
import type { GateMetricView, GateView, MeasurementView } from './report-model.js';

interface OpenEvaluation {
  view: GateView;
  decided: boolean;
  eventIds: number[];
}

export interface GateEvaluation {
  view: GateView;
  /** Every event of this evaluation (starts, measurements, verdicts). */
  eventIds: number[];
}

export function buildGateEvaluations(events: readonly EventRecord[]): GateEvaluation[] {
  const out: OpenEvaluation[] = [];
  const open = new Map<string, OpenEvaluation>();
  const keyOf = (e: EventRecord) => `${e.stepKey ?? ''}\u0000${str(e.data.gate) ?? ''}`;
  for (const e of events) {
    if (!e.kind.startsWith('analysis.')) continue;
    const key = keyOf(e);
    let cur = open.get(key);
    if (e.kind === 'analysis.started') {
      if (cur === undefined || cur.decided) {
        cur = {
          view: {
            gate: str(e.data.gate) ?? 'unnamed',
            label: str(e.data.label),
            stepKey: e.stepKey,
            startedAt: cite(iso(e.time), e),
            verdict: null,
            score: null,
            reason: null,
            metrics: [],
          },
          decided: false,
          eventIds: [],
        };
        open.set(key, cur);
        out.push(cur);
      }
      cur.eventIds.push(e.id);
      cur.view.label ??= str(e.data.label);
      for (const m of Array.isArray(e.data.metrics) ? e.data.metrics : []) {
        const md = obj(m);
        const name = md ? str(md.name) : null;
        if (md && name !== null) metricOf(cur.view, name, str(md.query), str(md.condition));
      }
      continue;
    }
    if (cur === undefined) continue; // a measurement or verdict without its start: ignored, not guessed
    cur.eventIds.push(e.id);
    if (e.kind === 'analysis.measurement') {
      const name = str(e.data.metric) ?? 'unnamed';
      const metric = metricOf(cur.view, name, str(e.data.query), str(e.data.condition));
      metric.measurements.push(measurementOf(e));
      if (num(e.data.canaryMedian) !== null || num(e.data.pValue) !== null) metric.judge = true;
    } else if (e.kind === 'analysis.verdict') {
      applyVerdict(cur.view, e);
      cur.decided = true;
    }
  }
  return out.map((o) => ({ view: o.view, eventIds: o.eventIds }));
}

function metricOf(
  view: GateView,
  name: string,
  query: string | null,
  condition: string | null,
): GateMetricView {
  let m = view.metrics.find((x) => x.name === name);
  if (m === undefined) {
    m = { name, query, condition, judge: false, verdict: null, value: null, measurements: [] };
    view.metrics.push(m);
  }
  m.query ??= query;
  m.condition ??= condition;
  return m;
}

function citedNum(e: EventRecord, v: unknown): Cited<number> | null {
  const n = num(v);
  return n === null ? null : cite(n, e);
}

function measurementOf(e: EventRecord): MeasurementView {
  const d = e.data;
  const time = num(d.time) ?? e.time;
  return {
    index: citedNum(e, d.index),
    time: cite(iso(time), e),
    verdict: cite(str(d.verdict) ?? 'unknown', e),
    value: citedNum(e, d.value),
    sampleCount: citedNum(e, d.sampleCount),
    canaryMedian: citedNum(e, d.canaryMedian),
    stableMedian: citedNum(e, d.stableMedian),
    pValue: citedNum(e, d.pValue),
    relativeEffect: citedNum(e, d.relativeEffect),
  };
}

function applyVerdict(view: GateView, e: EventRecord): void {
  const verdict = str(e.data.verdict);
  if (verdict !== null && view.verdict === null) view.verdict = cite(verdict, e);
  else if (verdict !== null && view.verdict !== null) view.verdict = cite(verdict, view.verdict.eventIds, e);
  const score = num(e.data.score);
  if (score !== null && view.score === null) view.score = cite(score, e);
  const reason = str(e.data.reason);
  if (reason !== null && view.reason === null) view.reason = cite(reason, e);
  for (const m of Array.isArray(e.data.metrics) ? e.data.metrics : []) {
    const md = obj(m);
    const name = md ? str(md.name) : null;
    if (md === null || name === null) continue;
    const metric = metricOf(view, name, null, str(md.condition));
    const v = str(md.verdict);
    if (v !== null) metric.verdict = cite(v, e);
    const value = num(md.value);
    const decisive = num(md.eventId);
    if (value !== null) metric.value = cite(value, decisive === null ? [e.id] : [e.id, decisive]);
  }
}
