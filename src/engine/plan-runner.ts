// Runs a plan's phases and steps within a run: the DAG through the scheduler, steps in order or in
// parallel, skipping steps that succeeded before an interruption, and the rollback hooks when a
// failure (or a rolled-back deploy) calls for them.

import type { Plan, PlanPhase, PlanStep } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import type { RunStatus } from '../store/store.js';
import { EventKind } from './event-kinds.js';
import {
  classifyDeployFailure,
  hooksWanted,
  promotedRelease,
  type RollbackTrigger,
  rollBackRelease,
} from './rollback-policy.js';
import type { RunScope } from './run-scope.js';
import { type PhaseOutcome, schedulePhases } from './scheduler.js';
import { runStep, type StepResult } from './step-runner.js';

export interface Progress {
  /** Steps that succeeded in an earlier attempt (resume). */
  succeeded: Set<string>;
  nextAttempt: Map<string, number>;
}

export async function runPlan(
  scope: RunScope,
  plan: Plan,
  progress: Progress,
  concurrency: number,
): Promise<{ status: RunStatus; reason?: string }> {
  let firstFailure: { step: PlanStep; result: StepResult } | undefined;
  let rolledBack = false;
  const promoted: { version: string; previous: string | null }[] = [];
  const runOne = async (step: PlanStep): Promise<StepResult> => {
    if (progress.succeeded.has(step.key)) {
      await scope.record(step.key, EventKind.stepSkipped, {
        reason: 'succeeded before the run was interrupted',
      });
      return { status: 'succeeded' };
    }
    const r = await runStep(scope, step, progress.nextAttempt.get(step.key) ?? 1);
    if (r.status === 'succeeded') {
      const release = await promotedRelease(scope, step);
      if (release) promoted.push(release);
    }
    if (r.status === 'failed' || r.status === 'timed_out' || r.status === 'cancelled') {
      if (r.error.details?.rolledBack === true) rolledBack = true;
      if (!firstFailure && r.status !== 'cancelled' && !r.continued) firstFailure = { step, result: r };
    }
    return r;
  };
  const stops = (r: StepResult) =>
    r.status === 'cancelled' || ((r.status === 'failed' || r.status === 'timed_out') && !r.continued);
  const runPhase = async (phase: PlanPhase): Promise<PhaseOutcome> => {
    const done = phase.steps.every((s) => progress.succeeded.has(s.key));
    if (!done)
      await scope.record(null, EventKind.phaseStarted, {
        phase: phase.name,
        steps: phase.steps.length,
        parallel: phase.parallel,
      });
    const started = Date.now();
    let results: StepResult[] = [];
    if (phase.parallel) {
      results = await Promise.all(phase.steps.map(runOne));
    } else {
      for (const s of phase.steps) {
        const r = await runOne(s);
        results.push(r);
        if (stops(r)) break;
      }
    }
    const outcome: PhaseOutcome = results.some((r) => r.status === 'cancelled')
      ? 'cancelled'
      : results.some(stops)
        ? 'failed'
        : 'succeeded';
    await scope.record(null, outcome === 'succeeded' ? EventKind.phaseSucceeded : EventKind.phaseFailed, {
      phase: phase.name,
      outcome,
      durationMs: Date.now() - started,
    });
    return outcome;
  };
  const states = await schedulePhases({
    phases: plan.phases,
    concurrency,
    signal: scope.signal,
    done: new Set(
      plan.phases.filter((p) => p.steps.every((s) => progress.succeeded.has(s.key))).map((p) => p.name),
    ),
    runPhase,
    skipPhase: async (phase, reason) => {
      await scope.record(null, EventKind.phaseSkipped, { phase: phase.name, reason });
    },
  });
  if (scope.signal.aborted) {
    const r = scope.signal.reason;
    throw r instanceof RollgateError ? r : new RollgateError('CANCELLED', 'cancelled');
  }
  const failed = [...states.values()].some((s) => s !== 'succeeded');
  if (!failed) return { status: 'succeeded' };
  const failure = firstFailure as { step: PlanStep; result: StepResult } | undefined;
  const reason =
    failure && 'error' in failure.result
      ? `step "${failure.step.name}" (${failure.step.key}) failed: ${failure.result.error.message}`
      : 'a phase failed';
  if (failure && 'error' in failure.result && failure.result.error.code === 'REJECTED') {
    return { status: 'rejected', reason: failure.result.error.message };
  }
  let trigger: RollbackTrigger = 'step-failure';
  if (rolledBack && failure) trigger = await classifyDeployFailure(scope, failure.step.key);
  else if (plan.rollback.on.includes('step-failure')) {
    // a later step failed after this run promoted a release: put the one it replaced back
    const last = promoted.at(-1);
    if (last?.previous) rolledBack = await rollBackRelease(scope, last.version, last.previous, reason);
  }
  if (hooksWanted(plan, trigger)) await runRollbackHooks(scope, plan, trigger, reason);
  else if (plan.rollback.hooks.length > 0) {
    await scope.record(null, EventKind.rollbackSkipped, {
      trigger,
      on: plan.rollback.on,
      reason: `${trigger} is not in rollback.on`,
    });
  }
  return { status: rolledBack ? 'rolled_back' : 'failed', reason: scope.redactor.text(reason) };
}

async function runRollbackHooks(scope: RunScope, plan: Plan, trigger: string, cause: string): Promise<void> {
  await scope.record(null, EventKind.rollbackStarted, { trigger, cause, hooks: plan.rollback.hooks.length });
  let failed = 0;
  for (const hook of plan.rollback.hooks) {
    const r = await runStep(scope, hook, 1);
    if (r.status !== 'succeeded') failed++;
  }
  await scope.record(null, EventKind.rollbackFinished, {
    trigger,
    hooks: plan.rollback.hooks.length,
    failed,
  });
}
