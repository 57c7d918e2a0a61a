// Runs one plan step: interpolates and validates its parameters, then attempts it with its timeout
// (which aborts the step, killing its process group) and retries with exponential backoff. Every
// attempt is a step_attempts row and events written before the work they describe.

import { setTimeout as sleep } from 'node:timers/promises';
import type { PlanStep } from '../plan/types.js';
import { formatDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import type { StepContext, StepKind } from '../steps/step-kind.js';
import { EventKind } from './event-kinds.js';
import type { RunScope } from './run-scope.js';

export type StepResult =
  | { status: 'succeeded'; summary?: string }
  | { status: 'failed' | 'timed_out'; error: RollgateError; continued: boolean }
  | { status: 'cancelled'; error: RollgateError };

const retryBaseMs = Number(process.env.ROLLGATE_RETRY_BASE_MS ?? 500);

function asRollgateError(e: unknown): RollgateError {
  if (e instanceof RollgateError) return e;
  return new RollgateError('STEP_FAILED', (e as Error)?.message ?? String(e), { cause: e });
}

export async function runStep(scope: RunScope, step: PlanStep, firstAttempt: number): Promise<StepResult> {
  const kind = scope.stepKinds.get(step.kind) as StepKind<unknown>;
  const { value: raw, undefinedReferences } = scope.interpolate(step.params);
  if (undefinedReferences.length > 0) {
    const error = new RollgateError(
      'STEP_FAILED',
      `undefined ${undefinedReferences.join(', ')} in step "${step.name}"`,
    );
    await scope.record(step.key, EventKind.stepFailed, {
      attempt: firstAttempt,
      error: error.message,
      willRetry: false,
    });
    return { status: 'failed', error, continued: step.continueOnError };
  }
  const params = kind.schema.parse(raw);
  const attempts = step.retries + 1;
  for (let i = 0; i < attempts; i++) {
    const attempt = firstAttempt + i;
    const controller = new AbortController();
    const signal = AbortSignal.any([scope.signal, controller.signal]);
    const timer =
      step.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new RollgateError(
                  'TIMEOUT',
                  `step "${step.name}" timed out after ${formatDuration(step.timeoutMs ?? 0)}`,
                ),
              ),
            step.timeoutMs,
          );
    const started = Date.now();
    await scope.record(step.key, EventKind.stepStarted, {
      attempt,
      name: step.name,
      kind: step.kind,
      description: scope.redactor.text(kind.describe(params)),
    });
    await scope.store.startStepAttempt({
      runId: scope.runId,
      stepKey: step.key,
      attempt,
      startedAt: started,
    });
    const ctx: StepContext = {
      runId: scope.runId,
      app: scope.plan.app,
      environment: scope.environment,
      version: scope.version,
      stepKey: step.key,
      stepName: step.name,
      attempt,
      signal,
      planDir: scope.plan.dir,
      home: scope.home,
      plan: scope.plan,
      interpolate: <T>(v: T) => scope.interpolate(v).value,
      env: scope.childEnv,
      log: (line) => scope.log(step, line),
      record: (k, data) => scope.record(step.key, k, data),
      waitForApproval: (o) => scope.waitForApproval(step.key, o),
    };
    try {
      const outcome = await kind.execute(ctx, params);
      const durationMs = Date.now() - started;
      await scope.store.finishStepAttempt(scope.runId, step.key, attempt, {
        status: 'succeeded',
        finishedAt: Date.now(),
        exitCode: outcome.exitCode ?? null,
      });
      await scope.record(step.key, EventKind.stepSucceeded, {
        attempt,
        durationMs,
        summary: outcome.summary,
        ...(outcome.data ?? {}),
      });
      return { status: 'succeeded', summary: outcome.summary };
    } catch (e) {
      const error =
        signal.aborted && signal.reason instanceof RollgateError ? signal.reason : asRollgateError(e);
      const durationMs = Date.now() - started;
      const cancelled = scope.signal.aborted;
      const timedOut = !cancelled && error.code === 'TIMEOUT';
      const willRetry = !cancelled && i < attempts - 1 && error.code !== 'REJECTED';
      await scope.store.finishStepAttempt(scope.runId, step.key, attempt, {
        status: cancelled ? 'cancelled' : timedOut ? 'timed_out' : 'failed',
        finishedAt: Date.now(),
        exitCode: (error.details?.exitCode as number | undefined) ?? null,
        error: scope.redactor.text(error.message),
      });
      await scope.record(step.key, EventKind.stepFailed, {
        attempt,
        durationMs,
        error: error.message,
        code: error.code,
        ...(error.details ?? {}),
        willRetry,
        cancelled,
      });
      if (cancelled) return { status: 'cancelled', error };
      if (!willRetry)
        return { status: timedOut ? 'timed_out' : 'failed', error, continued: step.continueOnError };
      const delayMs = Math.min(30_000, retryBaseMs * 2 ** i);
      await scope.record(step.key, EventKind.stepRetrying, { attempt, nextAttempt: attempt + 1, delayMs });
      try {
        await sleep(delayMs, undefined, { signal: scope.signal });
      } catch {
        return { status: 'cancelled', error: new RollgateError('CANCELLED', 'cancelled') };
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
  throw new Error('unreachable');
}
