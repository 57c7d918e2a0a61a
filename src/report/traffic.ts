// The traffic timeline (weights per release over time, from rollout.weight and the promotion,
// abort and rollback events), the synthetic load results, and the rollback cause with the time
// it took to put all traffic back on the stable release.

import type { EventRecord } from '../store/store.js';
import { type Cited, cite, factTime, iso, num, obj, str } from './evidence.js';
import type { LoadView, RollbackView, TrafficPoint } from './report-model.js';

export function buildTraffic(events: readonly EventRecord[]): TrafficPoint[] {
  const points: TrafficPoint[] = [];
  for (const e of events) {
    if (e.kind === 'rollout.weight') {
      const w = obj(e.data.weights);
      if (w === null) continue;
      const weights: Record<string, Cited<number>> = {};
      for (const [version, value] of Object.entries(w)) {
        const n = num(value);
        if (n !== null) weights[version] = cite(n, e);
      }
      points.push({ time: cite(iso(factTime(e)), e), weights, cause: 'weight' });
    } else if (e.kind === 'rollout.aborted' || e.kind === 'rollout.rolledBack') {
      const to = str(e.data.restored) ?? str(e.data.to);
      if (to === null) continue;
      const from = str(e.data.version) ?? str(e.data.from);
      const weights: Record<string, Cited<number>> = { [to]: cite(100, e) };
      if (from !== null && from !== to) weights[from] = cite(0, e);
      points.push({
        time: cite(iso(factTime(e)), e),
        weights,
        cause: e.kind === 'rollout.aborted' ? 'aborted' : 'rolledBack',
      });
    }
  }
  return points;
}

export function buildLoad(events: readonly EventRecord[]): LoadView[] {
  return events
    .filter((e) => e.kind === 'load.result')
    .map((e) => {
      const lat = obj(e.data.latencyMs) ?? {};
      const opt = (v: unknown) => {
        const n = num(v);
        return n === null ? null : cite(n, e);
      };
      return {
        time: cite(iso(e.time), e),
        url: str(e.data.url) ?? '',
        requests: cite(num(e.data.requests) ?? 0, e),
        errors: cite(num(e.data.errors) ?? 0, e),
        p50: opt(lat.p50),
        p95: opt(lat.p95),
        p99: opt(lat.p99),
      };
    });
}

/** The event that decided the failure a rollback answers: a failed gate, else the failed step. */
export function decisiveFailure(events: readonly EventRecord[], before: number): EventRecord | undefined {
  const earlier = events.filter((e) => e.id < before);
  return (
    earlier.find((e) => e.kind === 'analysis.verdict' && e.data.verdict === 'fail') ??
    earlier.find((e) => e.kind === 'health.changed' && e.data.healthy === false) ??
    earlier.find((e) => e.kind === 'step.failed')
  );
}

export function buildRollback(events: readonly EventRecord[]): RollbackView | null {
  const restore = events.find((e) => e.kind === 'rollout.aborted' || e.kind === 'rollout.rolledBack');
  const hooks = events.find((e) => e.kind === 'rollback.started');
  const finalRolledBack = events.find((e) => e.kind === 'run.rolled_back');
  if (restore === undefined && hooks === undefined && finalRolledBack === undefined) return null;
  const anchor = restore ?? hooks ?? (finalRolledBack as EventRecord);
  const failure = decisiveFailure(events, anchor.id);
  const causeText =
    (failure && (str(failure.data.reason) ?? str(failure.data.error) ?? str(failure.data.detail))) ??
    str(restore?.data.reason) ??
    str(hooks?.data.cause) ??
    str(finalRolledBack?.data.reason) ??
    'not recorded';
  const causeEvent = failure ?? restore ?? hooks ?? (finalRolledBack as EventRecord);
  const restoredTo = restore ? (str(restore.data.restored) ?? str(restore.data.to)) : null;
  const hooksFinished = events.find((e) => e.kind === 'rollback.finished');
  return {
    cause: cite(causeText, causeEvent),
    restoredTo: restore && restoredTo !== null ? cite(restoredTo, restore) : null,
    timeToRestoreMs:
      restore && failure ? cite(Math.max(0, factTime(restore) - failure.time), failure, restore) : null,
    hooks: hooksFinished
      ? {
          count: cite(num(hooksFinished.data.hooks) ?? 0, hooksFinished),
          failed: cite(num(hooksFinished.data.failed) ?? 0, hooksFinished),
        }
      : null,
  };
}
