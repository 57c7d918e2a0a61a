// Read models over the store for status and history: a run's displayed state (including
// "interrupted"), its duration, and why it failed (the failing step, or the gate verdict).

import type { EventRecord, RunRecord, Store } from '../store/store.js';
import { isInterrupted } from './run-engine.js';

export type DisplayedState = RunRecord['status'] | 'interrupted';

export interface RunView {
  id: string;
  app: string;
  environment: string;
  version: string;
  state: DisplayedState;
  user: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  reason: string | null;
  owner: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function viewRun(run: RunRecord, now = Date.now()): RunView {
  return {
    id: run.id,
    app: run.app,
    environment: run.environment,
    version: run.version,
    state: isInterrupted(run, now) ? 'interrupted' : run.status,
    user: run.user,
    createdAt: iso(run.createdAt) as string,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.startedAt !== null ? (run.finishedAt ?? now) - run.startedAt : null,
    reason: run.reason,
    owner: run.owner,
  };
}

export interface FailureExplanation {
  /** e.g. the metric, value and threshold of a failed gate, or the failing step's error. */
  summary: string;
  eventId: number;
  time: string;
  stepKey: string | null;
  data: Record<string, unknown>;
}

/** The events that explain a failed, rolled-back or paused run, newest last. */
export async function explainRun(store: Store, runId: string): Promise<FailureExplanation[]> {
  const events = await store.listEvents(runId, {
    kinds: ['analysis.verdict', 'step.failed', 'approval.requested', 'rollout.aborted'],
  });
  const explain = (e: EventRecord): FailureExplanation | undefined => {
    const d = e.data;
    // the gate runner's verdict carries the metrics; the rollout's echo of it does not
    if (e.kind === 'analysis.verdict' && d.verdict !== 'pass' && Array.isArray(d.metrics)) {
      return {
        summary: String(d.reason ?? '').startsWith(`gate ${String(d.gate)} `)
          ? String(d.reason)
          : `gate ${String(d.gate ?? '')} ${String(d.verdict)}: ${String(d.reason ?? '')}`,
        eventId: e.id,
        time: iso(e.time) as string,
        stepKey: e.stepKey,
        data: d,
      };
    }
    if (e.kind === 'step.failed' && !d.willRetry) {
      return {
        summary: `step ${e.stepKey} failed: ${String(d.error)}`,
        eventId: e.id,
        time: iso(e.time) as string,
        stepKey: e.stepKey,
        data: d,
      };
    }
    if (e.kind === 'rollout.aborted') {
      return {
        summary: `rollout aborted: ${String(d.reason ?? '')}`,
        eventId: e.id,
        time: iso(e.time) as string,
        stepKey: e.stepKey,
        data: d,
      };
    }
    return undefined;
  };
  return events.map(explain).filter((x): x is FailureExplanation => x !== undefined);
}
