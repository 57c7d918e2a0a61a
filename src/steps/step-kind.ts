// The contract of a step kind. Each kind lives in one file in src/steps/ and is listed once in
// registry.ts; the plan schema, the dry run and the engine all read the kinds from there.

import type { z } from 'zod';
import type { Plan } from '../plan/types.js';

export interface StepEvidence {
  kind: string;
  data: Record<string, unknown>;
}

export interface StepContext {
  runId: string;
  app: string;
  environment: string;
  version: string;
  /** "<phase>/<index>" */
  stepKey: string;
  stepName: string;
  attempt: number;
  /** Aborted on timeout or cancellation; long work must stop promptly when it fires. */
  signal: AbortSignal;
  /** Directory of the plan file; relative paths in a step resolve against it. */
  planDir: string;
  /** $ROLLGATE_HOME, absolute. */
  home: string;
  /** The loaded plan (values not interpolated; use `interpolate` on anything taken from it). */
  plan: Plan;
  /** Resolves ${{ }} expressions in a value taken from the plan (secrets revealed: execution only). */
  interpolate<T>(value: T): T;
  /** Environment for child processes (process env plus the plan's env), secrets included. */
  env: Record<string, string>;
  /** One line of step output, streamed with the step's prefix. Secrets are redacted by the caller. */
  log(line: string): void;
  /** Records a fact as an event of this step (evidence). Secret values are redacted by the caller. */
  record(kind: string, data: Record<string, unknown>): Promise<number>;
  /**
   * Waits until a person approves or rejects this step (rollgate approve/reject RUN_ID).
   * Resolves on approval; throws a RollgateError REJECTED on rejection, TIMEOUT after timeoutMs.
   */
  waitForApproval(options: {
    reason: string;
    timeoutMs?: number;
  }): Promise<{ user: string; comment?: string }>;
}

export interface StepOutcome {
  /** Short summary for the progress line, e.g. "exit 0" or "3 checks passed". */
  summary?: string;
  exitCode?: number;
  /** Facts for the step.succeeded event. */
  data?: Record<string, unknown>;
}

export interface StepKind<P = unknown> {
  /** The key that names the kind in a step, e.g. "run". */
  readonly kind: string;
  /** Zod schema of the value under the kind's key. */
  readonly schema: z.ZodType<P>;
  /** One line describing what the step would do, for `rollgate plan` (values already interpolated). */
  describe(params: P): string;
  /**
   * Carries the step out. Throws a RollgateError (STEP_FAILED, TIMEOUT, CANCELLED…) on failure.
   * Must honour ctx.signal.
   */
  execute(ctx: StepContext, params: P): Promise<StepOutcome>;
}

/** Helper so each kind file keeps its parameter type. */
export function defineStepKind<P>(kind: StepKind<P>): StepKind<P> {
  return kind;
}
