// Everything one run's steps share: the store, the plan, the resolved inputs, the redactor, the
// cancel signal, and the functions that turn facts into events.

import { type InterpolationContext, interpolate } from '../plan/interpolate.js';
import type { Redactor } from '../plan/secrets.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import type { StepKind } from '../steps/step-kind.js';
import type { Store } from '../store/store.js';
import { approvalKinds, awaitDecision } from './approval.js';
import { EventKind } from './event-kinds.js';
import type { RunReporter } from './reporter.js';

export interface RunScopeInit {
  store: Store;
  plan: Plan;
  runId: string;
  environment: string;
  version: string;
  home: string;
  stepKinds: ReadonlyMap<string, StepKind<unknown>>;
  signal: AbortSignal;
  redactor: Redactor;
  interpolation: InterpolationContext;
  reporter: RunReporter;
  /** Called when the run waits for a person, and again when it resumes. */
  onAwaiting(waiting: boolean): Promise<void>;
}

export class RunScope {
  readonly store: Store;
  readonly plan: Plan;
  readonly runId: string;
  readonly environment: string;
  readonly version: string;
  readonly home: string;
  readonly stepKinds: ReadonlyMap<string, StepKind<unknown>>;
  readonly signal: AbortSignal;
  readonly redactor: Redactor;
  readonly childEnv: Record<string, string>;
  private readonly init: RunScopeInit;

  constructor(init: RunScopeInit) {
    this.init = init;
    this.store = init.store;
    this.plan = init.plan;
    this.runId = init.runId;
    this.environment = init.environment;
    this.version = init.version;
    this.home = init.home;
    this.stepKinds = init.stepKinds;
    this.signal = init.signal;
    this.redactor = init.redactor;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      ROLLGATE_RUN_ID: init.runId,
      ROLLGATE_APP: init.plan.app,
      ROLLGATE_ENVIRONMENT: init.environment,
      ROLLGATE_VERSION: init.version,
      ROLLGATE_HOME: init.home,
    });
    this.childEnv = env;
  }

  interpolate<T>(value: T) {
    return interpolate(value, this.init.interpolation, { redactSecrets: false });
  }

  /** Appends an event (redacted) and shows it. Returns the event id. */
  async record(
    stepKey: string | null,
    kind: string,
    data: Record<string, unknown>,
    source = 'engine',
  ): Promise<number> {
    const e = await this.store.appendEvent({
      time: Date.now(),
      runId: this.runId,
      stepKey,
      kind,
      source,
      data: this.redactor.value(data),
    });
    this.init.reporter.event(e);
    return e.id;
  }

  log(step: Pick<PlanStep, 'key' | 'name'>, line: string): void {
    this.init.reporter.log(step, this.redactor.text(line));
  }

  notice(message: string): void {
    this.init.reporter.notice(this.redactor.text(message));
  }

  /** Asks for a decision (stepKey null = the run itself) and waits for it. Throws REJECTED on reject. */
  async waitForApproval(stepKey: string | null, o: { reason: string; timeoutMs?: number }) {
    const requestId = await this.record(stepKey, approvalKinds.requested, {
      reason: o.reason,
      timeoutMs: o.timeoutMs,
    });
    if (stepKey === null) await this.record(null, EventKind.runAwaitingApproval, { reason: o.reason });
    this.notice(`waiting for approval: rollgate approve ${this.runId}  (or: rollgate reject ${this.runId})`);
    await this.init.onAwaiting(true);
    try {
      const r = await awaitDecision({
        store: this.store,
        runId: this.runId,
        requestId,
        signal: this.signal,
        timeoutMs: o.timeoutMs,
      });
      if (!r.approved) {
        throw new RollgateError(
          'REJECTED',
          `rejected by ${r.decision.user}${r.decision.comment ? `: ${r.decision.comment}` : ''}`,
          {
            details: { rejectedBy: r.decision.user },
          },
        );
      }
      return r.decision;
    } catch (e) {
      if (e instanceof RollgateError && e.code === 'TIMEOUT') {
        await this.record(stepKey, approvalKinds.timedOut, { requestId, timeoutMs: o.timeoutMs });
      }
      throw e;
    } finally {
      await this.init.onAwaiting(false);
    }
  }
}
