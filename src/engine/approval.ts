// Approvals: a run (or an approve step) asks, a person decides from any process with
// `rollgate approve|reject RUN_ID`, and the decision is evidence in the event log.

import { setTimeout as sleep } from 'node:timers/promises';
import { RollgateError } from '../shared/errors.js';
import type { EventRecord, RunRecord, Store } from '../store/store.js';
import { finishedRunStatuses } from '../store/store.js';

export const approvalKinds = {
  requested: 'approval.requested',
  granted: 'approval.granted',
  rejected: 'approval.rejected',
  timedOut: 'approval.timed_out',
} as const;

/** The open request of a run: the newest approval.requested without a decision after it. */
export async function openApprovalRequest(store: Store, runId: string): Promise<EventRecord | undefined> {
  const events = await store.listEvents(runId, { kinds: Object.values(approvalKinds) });
  let open: EventRecord | undefined;
  for (const e of events) {
    if (e.kind === approvalKinds.requested) open = e;
    else if (open && e.stepKey === open.stepKey && (e.data.requestId as number | undefined) === open.id)
      open = undefined;
  }
  return open;
}

export interface Decision {
  user: string;
  comment?: string;
}

/** Polls the store until the request `requestId` is decided. */
export async function awaitDecision(o: {
  store: Store;
  runId: string;
  requestId: number;
  signal: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
}): Promise<{ approved: boolean; decision: Decision; eventId: number }> {
  const deadline = o.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.timeoutMs;
  for (;;) {
    const events = await o.store.listEvents(o.runId, {
      afterId: o.requestId,
      kinds: [approvalKinds.granted, approvalKinds.rejected],
    });
    const d = events.find((e) => e.data.requestId === o.requestId);
    if (d) {
      return {
        approved: d.kind === approvalKinds.granted,
        decision: { user: String(d.data.user), comment: d.data.comment as string | undefined },
        eventId: d.id,
      };
    }
    if (Date.now() >= deadline) {
      throw new RollgateError('TIMEOUT', 'nobody approved or rejected in time');
    }
    try {
      await sleep(o.pollMs ?? 300, undefined, { signal: o.signal });
    } catch {
      throw o.signal.reason instanceof RollgateError
        ? o.signal.reason
        : new RollgateError('CANCELLED', 'cancelled');
    }
  }
}

/** `rollgate approve|reject`: records the decision on the run's open request. */
export async function decide(o: {
  store: Store;
  runId: string;
  approve: boolean;
  user: string;
  comment?: string;
}): Promise<{ run: RunRecord; eventId: number; stepKey: string | null }> {
  const run = await o.store.getRun(o.runId);
  if (!run) throw new RollgateError('NOT_FOUND', `no run ${o.runId} (list runs with \`rollgate history\`)`);
  if (finishedRunStatuses.includes(run.status)) {
    throw new RollgateError(
      'INVALID_INPUT',
      `run ${run.id} has already finished (${run.status}); nothing to ${o.approve ? 'approve' : 'reject'}`,
    );
  }
  const request = await openApprovalRequest(o.store, run.id);
  if (!request) {
    throw new RollgateError(
      'INVALID_INPUT',
      `run ${run.id} is not waiting for approval (status: ${run.status})`,
    );
  }
  const e = await o.store.appendEvent({
    time: Date.now(),
    runId: run.id,
    stepKey: request.stepKey,
    kind: o.approve ? approvalKinds.granted : approvalKinds.rejected,
    source: o.approve ? 'cli:approve' : 'cli:reject',
    data: { requestId: request.id, user: o.user, ...(o.comment ? { comment: o.comment } : {}) },
  });
  return { run, eventId: e.id, stepKey: request.stepKey };
}
