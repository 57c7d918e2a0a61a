// The per-environment lock as a lease: taken before a run starts (or waited for with --wait-lock),
// renewed by a heartbeat, and lost by a process that stops renewing, so a killed CLI never leaves a
// lock behind for longer than the lease.

import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import type { LockHolder, LockRecord, Store } from '../store/store.js';
import { ownerIsDeadHere } from './identity.js';

export const defaultLeaseMs = 15_000;

export function lockedMessage(environment: string, holder: LockRecord): string {
  return `environment "${environment}" is locked by run ${holder.runId} (user ${holder.user}, ${holder.owner}, started ${new Date(holder.acquiredAt).toISOString()}); wait for it, or pass --wait-lock DURATION`;
}

export interface AcquireOptions {
  store: Store;
  environment: string;
  holder: LockHolder;
  leaseMs?: number;
  /** How long to wait for a held lock; 0 = fail at once with LOCKED. */
  waitMs?: number;
  signal?: AbortSignal;
  onWaiting?(holder: LockRecord): void;
}

/** Acquires the lock or throws RollgateError LOCKED naming the holder. */
export async function acquireLease(
  o: AcquireOptions,
): Promise<{ lock: LockRecord; tookOverFrom?: LockRecord }> {
  const leaseMs = o.leaseMs ?? defaultLeaseMs;
  const deadline = Date.now() + (o.waitMs ?? 0);
  let announced = false;
  for (;;) {
    const r = await o.store.acquireLock(o.environment, o.holder, leaseMs, Date.now());
    if (r.acquired) return { lock: r.lock, tookOverFrom: r.tookOverFrom };
    // A holder on this machine whose process is gone cannot renew: take its lock over now rather
    // than making the user wait for the lease to run out.
    if (ownerIsDeadHere(r.holder.owner)) {
      await o.store.releaseLock(o.environment, r.holder.runId);
      continue;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new RollgateError('LOCKED', lockedMessage(o.environment, r.holder), {
        details: { holder: r.holder },
      });
    }
    if (!announced) {
      o.onWaiting?.(r.holder);
      announced = true;
    }
    await sleep(Math.min(500, Math.max(50, deadline - Date.now())));
  }
}

/** Renews the lease every third of its length; calls onLost once if the lease is gone. */
export function startHeartbeat(o: {
  store: Store;
  environment: string;
  runId: string;
  leaseMs?: number;
  onBeat?(now: number): Promise<void>;
  onLost(reason: string): void;
}): { stop(): void } {
  const leaseMs = o.leaseMs ?? defaultLeaseMs;
  let stopped = false;
  let busy = false;
  const timer = setInterval(
    async () => {
      if (stopped || busy) return;
      busy = true;
      try {
        const now = Date.now();
        const ok = await o.store.renewLock(o.environment, o.runId, leaseMs, now);
        if (!ok && !stopped) {
          stopped = true;
          o.onLost(`the lock of environment "${o.environment}" was taken over by another run`);
          return;
        }
        await o.onBeat?.(now);
      } catch (e) {
        // A store hiccup is not a lost lock: the next beat retries within the lease.
        void e;
      } finally {
        busy = false;
      }
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

export function describeWait(ms: number): string {
  return formatDuration(ms);
}
