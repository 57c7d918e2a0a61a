// Carries a run out: lock, approval, the phase DAG, rollback hooks, final status, notifications.
// Every state change is an event written before it is acted on, so a run killed at any instant can
// be resumed from what the store recorded (resumeRun), never re-running a finished step.

import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Plan } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import type { StepKind } from '../steps/step-kind.js';
import type { RunRecord, RunStatus, Store } from '../store/store.js';
import { finishedRunStatuses } from '../store/store.js';
import { EventKind, finalEventOf } from './event-kinds.js';
import { currentOwner, newRunId, ownerIsDeadHere } from './identity.js';
import { acquireLease, defaultLeaseMs, startHeartbeat } from './lock-lease.js';
import { createRunNotifier } from './notifications.js';
import { type Progress, runPlan } from './plan-runner.js';
import type { RunReporter } from './reporter.js';
import { assertReferencesDefined, resolveInputs } from './run-inputs.js';
import { RunScope } from './run-scope.js';

export interface EngineOptions {
  store: Store;
  home: string;
  stepKinds: ReadonlyMap<string, StepKind<unknown>>;
  reporter: RunReporter;
  /** Aborting it cancels the run (Ctrl-C, SIGTERM): running steps are killed, the lock released. */
  signal: AbortSignal;
  user: string;
  concurrency?: number;
  waitLockMs?: number;
  leaseMs?: number;
}

export interface StartOptions extends EngineOptions {
  plan: Plan;
  environment: string;
  version: string;
  vars: Record<string, string>;
  secretsFile?: string;
}

export interface RunOutcome {
  run: RunRecord;
  status: RunStatus;
  reason?: string;
}

export async function startRun(o: StartOptions): Promise<RunOutcome> {
  const resolved = resolveInputs(o.plan, o);
  assertReferencesDefined(o.plan, resolved.interpolation);
  const runId = newRunId();
  const owner = currentOwner();
  const leaseMs = o.leaseMs ?? defaultLeaseMs;
  const lease = await acquireLease({
    store: o.store,
    environment: o.environment,
    holder: { runId, user: o.user, owner },
    leaseMs,
    waitMs: o.waitLockMs,
    signal: o.signal,
    onWaiting: (h) =>
      o.reporter.notice(`environment "${o.environment}" is locked by run ${h.runId} (${h.user}); waiting`),
  });
  const run = await o.store.createRun({
    id: runId,
    app: o.plan.app,
    environment: o.environment,
    version: o.version,
    planPath: o.plan.file,
    planText: o.plan.text,
    inputs: { vars: o.vars, ...(o.secretsFile ? { secretsFile: o.secretsFile } : {}) },
    user: o.user,
    owner,
    createdAt: Date.now(),
  });
  const scopeRedactor = resolved.redactor;
  await appendRaw(o, runId, EventKind.runCreated, {
    app: run.app,
    environment: run.environment,
    version: run.version,
    user: run.user,
    planPath: run.planPath,
    planSha256: createHash('sha256').update(o.plan.text).digest('hex'),
    vars: scopeRedactor.value(o.vars),
  });
  await appendRaw(o, runId, EventKind.lockAcquired, {
    environment: o.environment,
    leaseMs,
    ...(lease.tookOverFrom ? { tookOverFrom: lease.tookOverFrom.runId } : {}),
  });
  return drive(o, run, o.plan, resolved, { succeeded: new Set(), nextAttempt: new Map() }, false);
}

export interface ResumeOptions extends EngineOptions {
  runId: string;
  plan: Plan;
  secretsFile?: string;
}

/** The run to resume by default: the newest unfinished one (optionally in one environment). */
export async function findInterruptedRun(store: Store, environment?: string): Promise<RunRecord | undefined> {
  const runs = await store.listRuns({
    environment,
    statuses: ['pending', 'running', 'awaiting_approval'],
    limit: 20,
  });
  return runs.find((r) => isInterrupted(r));
}

export function isInterrupted(run: RunRecord, now = Date.now(), leaseMs = defaultLeaseMs): boolean {
  if (finishedRunStatuses.includes(run.status)) return false;
  if (ownerIsDeadHere(run.owner)) return true;
  return run.heartbeatAt !== null && now - run.heartbeatAt > leaseMs;
}

export async function resumeRun(o: ResumeOptions): Promise<RunOutcome> {
  const run = await o.store.getRun(o.runId);
  if (!run) throw new RollgateError('NOT_FOUND', `no run ${o.runId} (list runs with \`rollgate history\`)`);
  if (finishedRunStatuses.includes(run.status)) {
    throw new RollgateError(
      'INVALID_INPUT',
      `run ${run.id} has already finished (${run.status}); start a new one with rollgate deploy`,
    );
  }
  if (!isInterrupted(run, Date.now(), o.leaseMs)) {
    throw new RollgateError(
      'LOCKED',
      `run ${run.id} is still being driven by ${run.owner}; it is not interrupted`,
    );
  }
  const vars = (run.inputs.vars ?? {}) as Record<string, string>;
  const secretsFile = o.secretsFile ?? (run.inputs.secretsFile as string | undefined);
  const resolved = resolveInputs(o.plan, {
    environment: run.environment,
    version: run.version,
    vars,
    secretsFile,
  });
  assertReferencesDefined(o.plan, resolved.interpolation);
  const owner = currentOwner();
  const leaseMs = o.leaseMs ?? defaultLeaseMs;
  const lease = await acquireLease({
    store: o.store,
    environment: run.environment,
    holder: { runId: run.id, user: o.user, owner },
    leaseMs,
    waitMs: o.waitLockMs,
    signal: o.signal,
  });
  await o.store.updateRun(run.id, { owner, heartbeatAt: Date.now() });
  const attempts = await o.store.listStepAttempts(run.id);
  const progress: Progress = { succeeded: new Set(), nextAttempt: new Map() };
  for (const a of attempts) {
    if (a.status === 'succeeded') progress.succeeded.add(a.stepKey);
    progress.nextAttempt.set(a.stepKey, Math.max(progress.nextAttempt.get(a.stepKey) ?? 1, a.attempt + 1));
    if (a.status === 'running') {
      await reapOrphans(o.store, run.id, a.stepKey, a.startedAt);
      await o.store.finishStepAttempt(run.id, a.stepKey, a.attempt, {
        status: 'cancelled',
        finishedAt: Date.now(),
        error: 'interrupted: the process driving the run stopped',
      });
    }
  }
  await appendRaw(o, run.id, EventKind.lockAcquired, {
    environment: run.environment,
    leaseMs,
    resumed: true,
    ...(lease.tookOverFrom ? { tookOverFrom: lease.tookOverFrom.runId } : {}),
  });
  return drive(o, run, o.plan, resolved, progress, true);
}

/** Kills process groups an interrupted attempt left running on this host (crash-only: no orphans). */
async function reapOrphans(store: Store, runId: string, stepKey: string, since: number): Promise<void> {
  const started = await store.listEvents(runId, { kinds: ['process.started'], stepKey });
  for (const e of started) {
    if (e.time < since - 1000 || e.data.host !== hostname() || typeof e.data.pid !== 'number') continue;
    try {
      process.kill(-e.data.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function appendRaw(o: EngineOptions, runId: string, kind: string, data: Record<string, unknown>) {
  const e = await o.store.appendEvent({
    time: Date.now(),
    runId,
    stepKey: null,
    kind,
    source: 'engine',
    data,
  });
  o.reporter.event(e);
  return e;
}

async function drive(
  o: EngineOptions,
  run: RunRecord,
  plan: Plan,
  resolved: ReturnType<typeof resolveInputs>,
  progress: Progress,
  resumed: boolean,
): Promise<RunOutcome> {
  const runController = new AbortController();
  const signal = AbortSignal.any([o.signal, runController.signal]);
  // Every running step (and each of its waits) listens to the run's signal; many at once is normal.
  setMaxListeners(0, signal);
  const leaseMs = o.leaseMs ?? defaultLeaseMs;
  let awaiting = false;
  const setStatus = async (status: RunStatus) =>
    o.store.updateRun(run.id, { status, heartbeatAt: Date.now() });
  const notifier = createRunNotifier(plan, resolved, run);
  // A renderer is often a class instance: call its methods on it, never detached.
  const reporter: RunReporter = {
    event: (e) => {
      o.reporter.event(e);
      notifier.onEvent(e);
    },
    log: (step, line) => o.reporter.log(step, line),
    notice: (message) => o.reporter.notice(message),
  };
  const scope = new RunScope({
    store: o.store,
    plan,
    runId: run.id,
    environment: run.environment,
    version: run.version,
    home: o.home,
    stepKinds: o.stepKinds,
    signal,
    redactor: resolved.redactor,
    interpolation: resolved.interpolation,
    reporter,
    onAwaiting: async (w) => {
      awaiting = w;
      await setStatus(w ? 'awaiting_approval' : 'running');
    },
  });
  notifier.bind(scope);
  const heartbeat = startHeartbeat({
    store: o.store,
    environment: run.environment,
    runId: run.id,
    leaseMs,
    onBeat: async (now) => o.store.updateRun(run.id, { heartbeatAt: now }),
    onLost: (reason) => runController.abort(new RollgateError('LOCKED', reason)),
  });
  let status: RunStatus = 'failed';
  let reason: string | undefined;
  try {
    await o.store.updateRun(run.id, {
      status: 'running',
      startedAt: run.startedAt ?? Date.now(),
      heartbeatAt: Date.now(),
    });
    await scope.record(null, resumed ? EventKind.runResumed : EventKind.runStarted, {
      owner: currentOwner(),
      user: o.user,
      ...(resumed ? { alreadySucceeded: [...progress.succeeded] } : {}),
    });
    const envConfig = plan.environments[run.environment];
    if (envConfig?.approval?.required && !(await runApproved(o.store, run.id))) {
      await scope.waitForApproval(null, {
        reason: `deploy ${plan.app} ${run.version} to ${run.environment}`,
      });
    }
    const result = await runPlan(scope, plan, progress, o.concurrency ?? 4);
    status = result.status;
    reason = result.reason;
  } catch (e) {
    const err =
      e instanceof RollgateError ? e : new RollgateError('INTERNAL', (e as Error).message, { cause: e });
    status =
      err.code === 'REJECTED'
        ? 'rejected'
        : err.code === 'CANCELLED' || signal.aborted
          ? 'cancelled'
          : 'failed';
    reason = resolved.redactor.text(err.message);
  } finally {
    heartbeat.stop();
  }
  void awaiting;
  if (status === 'cancelled' && signal.reason instanceof RollgateError) reason = signal.reason.message;
  await scope.record(null, finalEventOf[status as keyof typeof finalEventOf] ?? EventKind.runFailed, {
    status,
    ...(reason ? { reason } : {}),
  });
  await o.store.updateRun(run.id, {
    status,
    finishedAt: Date.now(),
    reason: reason ?? null,
    owner: null,
    heartbeatAt: Date.now(),
  });
  await notifier.flush();
  await o.store.releaseLock(run.environment, run.id);
  await o.store.appendEvent({
    time: Date.now(),
    runId: run.id,
    stepKey: null,
    kind: EventKind.lockReleased,
    source: 'engine',
    data: { environment: run.environment },
  });
  const final = (await o.store.getRun(run.id)) as RunRecord;
  return { run: final, status, reason };
}

async function runApproved(store: Store, runId: string): Promise<boolean> {
  const events = await store.listEvents(runId, { kinds: ['approval.granted'] });
  return events.some((e) => e.stepKey === null);
}
