// The report summary: app, version, environment, result, duration, who triggered and who approved,
// each taken from the run's own events (run.created, run.started, the final run.* event, approvals).

import type { EventRecord, RunRecord } from '../store/store.js';
import { cite, iso, str } from './evidence.js';
import type { ReportSummary } from './report-model.js';

const finalKinds: Record<string, string> = {
  'run.succeeded': 'succeeded',
  'run.failed': 'failed',
  'run.rolled_back': 'rolled_back',
  'run.cancelled': 'cancelled',
  'run.rejected': 'rejected',
};

export function isFinalRunEvent(e: EventRecord): boolean {
  return e.kind in finalKinds;
}

export function buildSummary(run: RunRecord, events: readonly EventRecord[]): ReportSummary {
  const created = events.find((e) => e.kind === 'run.created');
  const started = events.find((e) => e.kind === 'run.started');
  const final = [...events].reverse().find(isFinalRunEvent);
  const approvals = events.filter((e) => e.kind === 'approval.granted');
  const triggerEvent = created ?? started;
  const triggeredBy = triggerEvent ? (str(triggerEvent.data.user) ?? null) : null;
  const reason = final ? str(final.data.reason) : null;
  return {
    app: run.app,
    version: run.version,
    environment: run.environment,
    runId: run.id,
    result: final ? cite(finalKinds[final.kind] as string, final) : cite('unfinished', []),
    startedAt: started ? cite(iso(started.time), started) : null,
    finishedAt: final ? cite(iso(final.time), final) : null,
    durationMs: started && final ? cite(final.time - started.time, started, final) : null,
    triggeredBy: triggeredBy !== null && triggerEvent ? cite(triggeredBy, triggerEvent) : null,
    approvedBy: approvals.map((e) => cite(str(e.data.user) ?? 'unknown', e)),
    reason: reason !== null && final ? cite(reason, final) : null,
  };
}
