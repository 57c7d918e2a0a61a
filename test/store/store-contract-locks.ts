// Lease-lock part of the Store contract (see store-contract.ts): free/held/re-entrant/expired
// take-over/renew/release, and races between separate store instances (stand-ins for processes).

import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { LockHolder, Store } from '../../src/store/store.js';

export interface LockContractContext {
  store(): Store;
  /** Opens another instance on the same database (closed by the caller's afterAll). */
  another(): Promise<Store>;
}

function uid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function holder(runId: string, user = 'ada'): LockHolder {
  return { runId, user, owner: `pid ${runId.length} on host-a` };
}

export function lockContract(ctx: LockContractContext): void {
  it('is free, then held, and refuses another run while the lease lasts', async () => {
    const env = uid('env');
    expect(await ctx.store().getLock(env)).toBeUndefined();
    const first = await ctx.store().acquireLock(env, holder('run-a'), 1000, 10_000);
    expect(first).toEqual({
      acquired: true,
      lock: { environment: env, ...holder('run-a'), acquiredAt: 10_000, expiresAt: 11_000 },
    });
    expect(await ctx.store().getLock(env)).toEqual({
      environment: env,
      ...holder('run-a'),
      acquiredAt: 10_000,
      expiresAt: 11_000,
    });

    const second = await (await ctx.another()).acquireLock(env, holder('run-b', 'grace'), 1000, 10_999);
    expect(second).toEqual({
      acquired: false,
      holder: { environment: env, ...holder('run-a'), acquiredAt: 10_000, expiresAt: 11_000 },
    });
  });

  it('is re-entrant for the run that holds it (resume), keeping acquiredAt', async () => {
    const env = uid('env');
    await ctx.store().acquireLock(env, holder('run-a'), 1000, 10_000);
    const again = await ctx.store().acquireLock(env, holder('run-a'), 5000, 10_500);
    expect(again).toEqual({
      acquired: true,
      lock: { environment: env, ...holder('run-a'), acquiredAt: 10_000, expiresAt: 15_500 },
    });
    expect('tookOverFrom' in again).toBe(false);
  });

  it('is taken over once expired (expiresAt <= now), telling who held it', async () => {
    const env = uid('env');
    await ctx.store().acquireLock(env, holder('run-a'), 1000, 10_000);
    const taken = await ctx.store().acquireLock(env, holder('run-b', 'grace'), 1000, 11_000);
    expect(taken).toEqual({
      acquired: true,
      lock: { environment: env, ...holder('run-b', 'grace'), acquiredAt: 11_000, expiresAt: 12_000 },
      tookOverFrom: { environment: env, ...holder('run-a'), acquiredAt: 10_000, expiresAt: 11_000 },
    });
    // the previous holder has lost it: renewing says so, and releasing does not free it
    expect(await ctx.store().renewLock(env, 'run-a', 1000, 11_500)).toBe(false);
    await ctx.store().releaseLock(env, 'run-a');
    expect((await ctx.store().getLock(env))?.runId).toBe('run-b');
  });

  it('renews only for its holder and extends the lease', async () => {
    const env = uid('env');
    await ctx.store().acquireLock(env, holder('run-a'), 1000, 10_000);
    expect(await ctx.store().renewLock(env, 'run-a', 1000, 10_900)).toBe(true);
    expect((await ctx.store().getLock(env))?.expiresAt).toBe(11_900);
    // the renewed lease is no longer expired at the old expiry
    const other = await ctx.store().acquireLock(env, holder('run-b'), 1000, 11_000);
    expect(other.acquired).toBe(false);
    expect(await ctx.store().renewLock(env, 'run-b', 1000, 11_000)).toBe(false);
    expect(await ctx.store().renewLock(uid('free-env'), 'run-a', 1000, 11_000)).toBe(false);
  });

  it('is freed by its holder only, and then acquired without a take-over', async () => {
    const env = uid('env');
    await ctx.store().acquireLock(env, holder('run-a'), 1000, 10_000);
    await ctx.store().releaseLock(env, 'run-b');
    expect((await ctx.store().getLock(env))?.runId).toBe('run-a');
    await ctx.store().releaseLock(env, 'run-a');
    expect(await ctx.store().getLock(env)).toBeUndefined();
    const next = await ctx.store().acquireLock(env, holder('run-b'), 1000, 10_001);
    expect(next.acquired).toBe(true);
    expect('tookOverFrom' in next).toBe(false);
  });

  it('keeps environments independent', async () => {
    const env1 = uid('env');
    const env2 = uid('env');
    expect((await ctx.store().acquireLock(env1, holder('run-a'), 1000, 0)).acquired).toBe(true);
    expect((await ctx.store().acquireLock(env2, holder('run-b'), 1000, 0)).acquired).toBe(true);
  });

  it('lets exactly one of 20 concurrent acquirers on separate instances win a free lock', async () => {
    const env = uid('race');
    const stores = await Promise.all(Array.from({ length: 20 }, () => ctx.another()));
    const results = await Promise.all(
      stores.map((s, i) => s.acquireLock(env, holder(`racer-${i}`), 60_000, 1000)),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const winner = winners[0] as { acquired: true; lock: { runId: string } };
    for (const r of results) {
      if (!r.acquired) expect(r.holder.runId).toBe(winner.lock.runId);
    }
    expect((await ctx.store().getLock(env))?.runId).toBe(winner.lock.runId);
  });

  it('lets exactly one of 20 concurrent acquirers take over an expired lock', async () => {
    const env = uid('race');
    await ctx.store().acquireLock(env, holder('crashed'), 1000, 0);
    const stores = await Promise.all(Array.from({ length: 20 }, () => ctx.another()));
    const results = await Promise.all(
      stores.map((s, i) => s.acquireLock(env, holder(`racer-${i}`), 60_000, 5000)),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ tookOverFrom: { runId: 'crashed' } });
  });
}
