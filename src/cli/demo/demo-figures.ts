// The figures the demo prints for each act, read from the run's recorded events (and, for traffic
// served by a release, from the agent's router counters). Nothing here is assumed.

import type { EventRecord } from '../../store/store.js';

export interface GateFigure {
  eventId: number;
  gate: string;
  verdict: string;
  score: number | null;
  reason: string;
  metrics: { name: string; verdict: string; value: unknown }[];
}

export interface LoadFigure {
  eventId: number;
  requests: number;
  errors: number;
  p95: number | null;
}

export interface ActFigures {
  gates: GateFigure[];
  load?: LoadFigure;
  /** ms from the first weight change that gave the canary traffic to the abort that took it away. */
  rollbackMs?: number;
  rollbackEventIds?: number[];
  abortReason?: string;
  migrationsApplied: number;
  backupBytes?: number;
  hookRan: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function figuresOf(events: readonly EventRecord[], canaryVersion: string): ActFigures {
  const gates: GateFigure[] = events
    // the gate runner's verdict carries the metrics; the rollout's echo of it does not
    .filter((e) => e.kind === 'analysis.verdict' && Array.isArray(e.data.metrics))
    .map((e) => ({
      eventId: e.id,
      gate: String(e.data.gate),
      verdict: String(e.data.verdict),
      score: num(e.data.score),
      reason: String(e.data.reason ?? ''),
      metrics: Array.isArray(e.data.metrics)
        ? (e.data.metrics as Record<string, unknown>[]).map((m) => ({
            name: String(m.name),
            verdict: String(m.verdict),
            value: m.value,
          }))
        : [],
    }));
  const loadEvent = events.find((e) => e.kind === 'load.result');
  const load = loadEvent
    ? {
        eventId: loadEvent.id,
        requests: Number(loadEvent.data.requests ?? 0),
        errors: Number(loadEvent.data.errors ?? 0),
        p95: num((loadEvent.data.latencyMs as Record<string, unknown> | undefined)?.p95),
      }
    : undefined;
  const firstTraffic = events.find(
    (e) =>
      e.kind === 'rollout.weight' &&
      Number((e.data.weights as Record<string, number> | undefined)?.[canaryVersion] ?? 0) > 0,
  );
  const aborted = events.find((e) => e.kind === 'rollout.aborted');
  const abortAt =
    aborted && typeof aborted.data.at === 'string' ? Date.parse(aborted.data.at) : aborted?.time;
  const firstAt =
    firstTraffic && typeof firstTraffic.data.at === 'string'
      ? Date.parse(firstTraffic.data.at)
      : firstTraffic?.time;
  const applied = events.filter((e) => e.kind === 'migrate.applied');
  const backup = events.find((e) => e.kind === 'migrate.backup');
  return {
    gates,
    load,
    ...(aborted && firstTraffic && abortAt !== undefined && firstAt !== undefined
      ? {
          rollbackMs: abortAt - firstAt,
          rollbackEventIds: [firstTraffic.id, aborted.id],
          abortReason: String(aborted.data.reason ?? ''),
        }
      : {}),
    migrationsApplied: applied.length,
    ...(backup ? { backupBytes: Number(backup.data.sizeBytes ?? backup.data.size ?? 0) } : {}),
    hookRan: events.some((e) => e.kind === 'rollback.finished' && Number(e.data.failed) === 0),
  };
}
