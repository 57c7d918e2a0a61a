// What every strategy needs while it moves traffic: the agent handle, evidence recording (agent
// health events are copied into the run's events with their times), health gating with a deadline
// and a message naming the failing check, interruptible waits that notice `rollgate promote` and
// `rollgate abort`, and weight changes bound to this rollout (refused once it was aborted).

import {
  type AgentHandle,
  commandsAfter,
  eventsAfter,
  getEnvironmentStatusFull,
  setWeights,
} from '../agent/client.js';
import type { EnvironmentStatusFull, ReleaseState, ReleaseStatusFull } from '../agent/types.js';
import { RollgateError } from '../shared/errors.js';

export type Recorder = (kind: string, data: Record<string, unknown>) => Promise<number>;

/** Thrown inside a strategy when a person aborted the rollout (rollgate abort). */
export class AbortedByOperator extends Error {}

export interface SessionOptions {
  handle: AgentHandle;
  environment: string;
  version: string;
  rolloutId: string | undefined;
  signal: AbortSignal;
  record: Recorder;
  log(line: string): void;
  eventSeq: number;
  commandSeq: number;
}

const POLL_MS = 100;

export class RolloutSession {
  readonly h: AgentHandle;
  readonly environment: string;
  readonly version: string;
  readonly rolloutId: string | undefined;
  /** Called on every poll tick; throws to fail the rollout (e.g. the canary lost all health). */
  guard: (() => Promise<void>) | undefined;
  readonly signal: AbortSignal;
  readonly record: Recorder;
  readonly log: (line: string) => void;
  private eventSeq: number;
  private commandSeq: number;
  private promoteRequested = false;
  /** Set by interrupt(): every wait and weight change throws it from then on. */
  private failure: Error | undefined;
  /** Wakes the waits in progress so an interrupt or hold is acted on at once, not at the next poll. */
  private readonly wakers = new Set<() => void>();
  private holdRequest: { reason: string; data: Record<string, unknown>; onRelease?: () => void } | undefined;
  private holding: Promise<void> | undefined;

  constructor(o: SessionOptions) {
    this.h = o.handle;
    this.environment = o.environment;
    this.version = o.version;
    this.rolloutId = o.rolloutId;
    this.signal = o.signal;
    this.record = o.record;
    this.log = o.log;
    this.eventSeq = o.eventSeq;
    this.commandSeq = o.commandSeq;
    this.guard = undefined;
  }

  async status(): Promise<EnvironmentStatusFull> {
    return getEnvironmentStatusFull(this.h, this.environment);
  }

  /** Copies new agent events (health transitions, instance exits) into the run's evidence. */
  async syncEvents(): Promise<void> {
    const events = await eventsAfter(this.h, this.environment, this.eventSeq);
    for (const e of events) {
      this.eventSeq = Math.max(this.eventSeq, e.seq);
      if (e.kind === 'health.changed' || e.kind === 'instance.exited') {
        await this.record(e.kind, { ...e.data, at: new Date(e.at).toISOString() });
        if (e.kind === 'health.changed') {
          this.log(`${e.data.instance} ${e.data.healthy ? 'healthy' : 'unhealthy'}: ${e.data.detail}`);
        }
      }
    }
  }

  /** Consumes operator commands; throws AbortedByOperator on abort, remembers promote. */
  async checkCommands(): Promise<void> {
    const cmds = await commandsAfter(this.h, this.environment, this.commandSeq);
    for (const c of cmds) {
      this.commandSeq = Math.max(this.commandSeq, c.seq);
      if (c.action === 'abort') throw new AbortedByOperator(`aborted by ${c.by} (rollgate abort)`);
      if (c.action === 'promote') this.promoteRequested = true;
    }
  }

  /**
   * Fails the rollout from outside its main flow (background analysis): the wait in progress wakes
   * and throws `err`, and so does every later wait or weight change. The first failure wins.
   */
  interrupt(err: Error): void {
    this.failure ??= err;
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Holds the rollout for a person (background analysis inconclusive): the next wait records
   * rollout.paused and blocks until `rollgate promote` (then onRelease runs) or `rollgate abort`.
   */
  hold(reason: string, data: Record<string, unknown>, onRelease?: () => void): void {
    this.holdRequest = { reason, data, ...(onRelease && { onRelease }) };
    for (const wake of [...this.wakers]) wake();
  }

  /** Throws the rollout's failure or cancellation, if any; a cheap check between agent calls. */
  checkpoint(): void {
    this.throwIfCancelled();
  }

  private throwIfCancelled(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.signal.aborted) {
      throw new RollgateError(
        'CANCELLED',
        `the deploy of ${this.version} to ${this.environment} was cancelled`,
      );
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.signal.removeEventListener('abort', done);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.wakers.add(done);
    });
  }

  private async tick(): Promise<void> {
    this.throwIfCancelled();
    if (this.holdRequest === undefined) await this.sleep(POLL_MS);
    this.throwIfCancelled();
    await this.syncEvents();
    await this.checkCommands();
    if (this.guard !== undefined) await this.guard();
    if (this.holdRequest !== undefined) {
      // why: the main flow and an analysis watcher may both tick; they share one hold
      this.holding ??= this.waitOutHold().finally(() => {
        this.holding = undefined;
      });
      await this.holding;
    }
  }

  /** Blocks until `rollgate promote` (returns) or `rollgate abort` / a failure (throws). */
  async waitForPerson(reason: string, data: Record<string, unknown>): Promise<void> {
    this.hold(reason, data);
    this.holding ??= this.waitOutHold().finally(() => {
      this.holding = undefined;
    });
    await this.holding;
  }

  private async waitOutHold(): Promise<void> {
    const request = this.holdRequest;
    if (request === undefined) return;
    await this.record('rollout.paused', {
      ...request.data,
      reason: request.reason,
      untilPromoted: true,
      at: new Date().toISOString(),
    });
    this.log(
      `paused: ${request.reason}; waiting for rollgate promote or rollgate abort --env ${this.environment}`,
    );
    this.promoteRequested = false;
    try {
      while (!this.promoteRequested) {
        await this.sleep(POLL_MS);
        this.throwIfCancelled();
        await this.syncEvents();
        await this.checkCommands();
        if (this.guard !== undefined) await this.guard();
      }
    } finally {
      this.promoteRequested = false;
      this.holdRequest = undefined;
    }
    await this.record('rollout.resumed', {
      ...request.data,
      reason: request.reason,
      by: 'rollgate promote',
      at: new Date().toISOString(),
    });
    request.onRelease?.();
  }

  /** Waits ms (or until promoted when untilPromoted); returns true when a promote ended the wait. */
  async pause(ms: number, untilPromoted: boolean): Promise<boolean> {
    this.promoteRequested = false;
    const end = Date.now() + ms;
    while (untilPromoted || Date.now() < end) {
      await this.tick();
      if (this.promoteRequested) {
        this.promoteRequested = false;
        return true;
      }
    }
    return false;
  }

  /** Waits until `count` instances of `version` are healthy; fails naming the failing check. */
  async waitHealthy(version: string, count: number, deadlineMs: number): Promise<ReleaseStatusFull> {
    const started = Date.now();
    let last: ReleaseStatusFull | undefined;
    for (;;) {
      const s = await this.status();
      last = s.releases.find((r) => r.version === version);
      const healthy = last?.instances.filter((i) => i.healthy).length ?? 0;
      if (last !== undefined && healthy >= count) {
        await this.syncEvents();
        return last;
      }
      if (Date.now() - started > deadlineMs) break;
      await this.tick();
    }
    await this.syncEvents();
    const failing = (last?.instances ?? [])
      .filter((i) => !i.healthy)
      .map((i) => `${i.id}: ${i.lastCheck ?? 'no health probe answered yet'}`);
    throw new RollgateError(
      'STEP_FAILED',
      `release ${version} did not become healthy within ${Math.round(deadlineMs / 1000)}s (${count} healthy instance${count === 1 ? '' : 's'} needed): ${failing.join('; ') || 'no instance running'}`,
      { details: { version, failing } },
    );
  }

  /** Moves traffic; refused by the agent once this rollout was aborted. Records rollout.weight. */
  async setWeights(
    weights: Record<string, number>,
    states: Record<string, ReleaseState> = {},
  ): Promise<number> {
    this.throwIfCancelled();
    let at: number;
    try {
      ({ at } = await setWeights(this.h, this.environment, {
        weights,
        states,
        ...(this.rolloutId !== undefined && { rolloutId: this.rolloutId }),
      }));
    } catch (err) {
      if (err instanceof RollgateError && err.details?.conflict === true) {
        throw new AbortedByOperator('aborted by an operator (rollgate abort) while changing weights');
      }
      throw err;
    }
    await this.record('rollout.weight', { weights, states, at: new Date(at).toISOString() });
    this.log(
      `weights: ${Object.entries(weights)
        .map(([v, w]) => `${v}=${w}%`)
        .join(' ')}`,
    );
    return at;
  }
}
