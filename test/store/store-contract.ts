// The one behaviour contract every Store implementation must satisfy. Each implementation's test
// file calls storeContract() with a function that opens a new, initialised store instance on the
// same backing database (a second instance stands in for a second process or server worker).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/shared/errors.js';
import type { NewRun, ReleaseRecord, Store } from '../../src/store/store.js';
import { lockContract } from './store-contract-locks.js';

export type OpenStore = () => Promise<Store>;

function uid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    id: uid('run'),
    app: 'shop',
    environment: 'staging',
    version: '1.0.0',
    planPath: '/srv/shop/rollgate.yaml',
    planText: 'app: shop\nphases: []\n',
    inputs: { region: 'eu', replicas: 2, nested: { on: true } },
    user: 'ada',
    owner: 'pid 1 on host-a',
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<RollgateError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RollgateError);
  expect((err as RollgateError).code).toBe(code);
  return err as RollgateError;
}

export function storeContract(openStore: OpenStore): void {
  let store: Store;
  const extra: Store[] = [];

  beforeAll(async () => {
    store = await openStore();
  });

  afterAll(async () => {
    await Promise.all(extra.map((s) => s.close()));
    await store?.close();
  });

  async function another(): Promise<Store> {
    const s = await openStore();
    extra.push(s);
    return s;
  }

  describe('schema', () => {
    it('init() can be called again on an initialised store and keeps the data', async () => {
      const run = await store.createRun(newRun());
      await store.init();
      await store.init();
      const second = await another();
      await second.init();
      expect(await second.getRun(run.id)).toEqual(run);
    });
  });

  describe('runs', () => {
    it('creates a pending run and reads it back whole, from another instance too', async () => {
      const input = newRun();
      const created = await store.createRun(input);
      expect(created).toEqual({
        ...input,
        status: 'pending',
        heartbeatAt: null,
        startedAt: null,
        finishedAt: null,
        reason: null,
      });
      expect(await store.getRun(input.id)).toEqual(created);
      expect(await (await another()).getRun(input.id)).toEqual(created);
    });

    it('returns undefined for an unknown run', async () => {
      expect(await store.getRun('no-such-run')).toBeUndefined();
    });

    it('refuses a second run with the same id', async () => {
      const input = newRun();
      await store.createRun(input);
      await expectCode(store.createRun(input), 'STORE_ERROR');
    });

    it('applies a patch to only the given fields', async () => {
      const run = await store.createRun(newRun());
      await store.updateRun(run.id, { status: 'running', startedAt: 10, heartbeatAt: 11 });
      await store.updateRun(run.id, { heartbeatAt: 12 });
      expect(await store.getRun(run.id)).toEqual({
        ...run,
        status: 'running',
        startedAt: 10,
        heartbeatAt: 12,
      });
      await store.updateRun(run.id, {
        status: 'failed',
        finishedAt: 20,
        reason: 'step build/0 failed',
        owner: null,
      });
      expect(await store.getRun(run.id)).toMatchObject({
        status: 'failed',
        finishedAt: 20,
        reason: 'step build/0 failed',
        owner: null,
        startedAt: 10,
      });
    });

    it('reports NOT_FOUND when updating an unknown run', async () => {
      await expectCode(store.updateRun('no-such-run', { status: 'running' }), 'NOT_FOUND');
      await expectCode(store.updateRun('no-such-run', {}), 'NOT_FOUND');
    });

    it('lists newest first, filtered by environment and status, with a limit', async () => {
      const env = uid('env');
      const a = await store.createRun(newRun({ environment: env, createdAt: 1000 }));
      const b = await store.createRun(newRun({ environment: env, createdAt: 3000 }));
      const c = await store.createRun(newRun({ environment: env, createdAt: 2000 }));
      // same createdAt: the one created later is newer
      const d = await store.createRun(newRun({ environment: env, createdAt: 3000 }));
      await store.createRun(newRun({ environment: uid('other'), createdAt: 5000 }));
      await store.updateRun(c.id, { status: 'succeeded' });
      await store.updateRun(a.id, { status: 'failed' });

      const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
      expect(ids(await store.listRuns({ environment: env }))).toEqual([d.id, b.id, c.id, a.id]);
      expect(ids(await store.listRuns({ environment: env, limit: 2 }))).toEqual([d.id, b.id]);
      expect(ids(await store.listRuns({ environment: env, statuses: ['succeeded', 'failed'] }))).toEqual([
        c.id,
        a.id,
      ]);
      expect(await store.listRuns({ environment: env, statuses: [] })).toEqual([]);
      const all = await store.listRuns({ limit: 1000 });
      expect(all.length).toBeGreaterThanOrEqual(5);
      for (let i = 1; i < all.length; i++) {
        expect((all[i - 1] as { createdAt: number }).createdAt).toBeGreaterThanOrEqual(
          (all[i] as { createdAt: number }).createdAt,
        );
      }
    });

    it('keeps at most 50 runs in an unlimited listing', async () => {
      const env = uid('many');
      for (let i = 0; i < 55; i++) await store.createRun(newRun({ environment: env, createdAt: i }));
      const runs = await store.listRuns({ environment: env });
      expect(runs).toHaveLength(50);
      expect(runs[0]?.createdAt).toBe(54);
    });
  });

  describe('step attempts', () => {
    it('records start and finish of attempts, listed in start order', async () => {
      const run = await store.createRun(newRun());
      await store.startStepAttempt({ runId: run.id, stepKey: 'build/0', attempt: 1, startedAt: 100 });
      await store.finishStepAttempt(run.id, 'build/0', 1, {
        status: 'failed',
        finishedAt: 150,
        exitCode: 2,
        error: 'exit code 2',
      });
      await store.startStepAttempt({ runId: run.id, stepKey: 'build/0', attempt: 2, startedAt: 160 });
      await store.finishStepAttempt(run.id, 'build/0', 2, {
        status: 'succeeded',
        finishedAt: 170,
        exitCode: 0,
      });
      await store.startStepAttempt({ runId: run.id, stepKey: 'deploy/0', attempt: 1, startedAt: 180 });

      expect(await store.listStepAttempts(run.id)).toEqual([
        {
          runId: run.id,
          stepKey: 'build/0',
          attempt: 1,
          status: 'failed',
          startedAt: 100,
          finishedAt: 150,
          exitCode: 2,
          error: 'exit code 2',
        },
        {
          runId: run.id,
          stepKey: 'build/0',
          attempt: 2,
          status: 'succeeded',
          startedAt: 160,
          finishedAt: 170,
          exitCode: 0,
          error: null,
        },
        {
          runId: run.id,
          stepKey: 'deploy/0',
          attempt: 1,
          status: 'running',
          startedAt: 180,
          finishedAt: null,
          exitCode: null,
          error: null,
        },
      ]);
      expect(await store.listStepAttempts('no-such-run')).toEqual([]);
    });

    it('refuses to start the same attempt twice and to finish an unknown one', async () => {
      const run = await store.createRun(newRun());
      await store.startStepAttempt({ runId: run.id, stepKey: 'a/0', attempt: 1, startedAt: 1 });
      const dup = await expectCode(
        store.startStepAttempt({ runId: run.id, stepKey: 'a/0', attempt: 1, startedAt: 2 }),
        'STORE_ERROR',
      );
      expect(dup.message).toContain('a/0#1');
      await expectCode(
        store.finishStepAttempt(run.id, 'a/0', 2, { status: 'succeeded', finishedAt: 3 }),
        'NOT_FOUND',
      );
      await expectCode(
        store.startStepAttempt({ runId: 'no-such-run', stepKey: 'a/0', attempt: 1, startedAt: 1 }),
        'NOT_FOUND',
      );
    });
  });

  describe('events', () => {
    it('appends with increasing ids and lists a run oldest first with its data intact', async () => {
      const run = await store.createRun(newRun());
      const other = await store.createRun(newRun());
      const e1 = await store.appendEvent({
        time: 1,
        runId: run.id,
        stepKey: null,
        kind: 'run.started',
        source: 'engine',
        data: { version: '1.0.0', weights: [10, 50], nested: { ok: true, note: 'é "quoted"' } },
      });
      await store.appendEvent({
        time: 2,
        runId: other.id,
        stepKey: null,
        kind: 'run.started',
        source: 'engine',
        data: {},
      });
      const e2 = await store.appendEvent({
        time: 3,
        runId: run.id,
        stepKey: 'build/0',
        kind: 'step.started',
        source: 'engine',
        data: {},
      });
      const e3 = await store.appendEvent({
        time: 4,
        runId: run.id,
        stepKey: 'build/0',
        kind: 'step.succeeded',
        source: 'engine',
        data: { exitCode: 0 },
      });
      const e4 = await (await another()).appendEvent({
        time: 5,
        runId: run.id,
        stepKey: null,
        kind: 'approval.granted',
        source: 'cli:approve',
        data: { user: 'grace' },
      });
      expect(e1.id).toBeGreaterThan(0);
      expect(e2.id).toBeGreaterThan(e1.id);
      expect(e3.id).toBeGreaterThan(e2.id);
      expect(e4.id).toBeGreaterThan(e3.id);

      const listed = await store.listEvents(run.id);
      expect(listed).toEqual([e1, e2, e3, e4]);
      expect(listed[0]?.data).toEqual({
        version: '1.0.0',
        weights: [10, 50],
        nested: { ok: true, note: 'é "quoted"' },
      });

      expect(await store.listEvents(run.id, { afterId: e2.id })).toEqual([e3, e4]);
      expect(await store.listEvents(run.id, { afterId: e4.id })).toEqual([]);
      expect(await store.listEvents(run.id, { kinds: ['step.succeeded', 'approval.granted'] })).toEqual([
        e3,
        e4,
      ]);
      expect(await store.listEvents(run.id, { kinds: [] })).toEqual([]);
      expect(await store.listEvents(run.id, { stepKey: 'build/0' })).toEqual([e2, e3]);
      expect(await store.listEvents(run.id, { limit: 2 })).toEqual([e1, e2]);
      expect(await store.listEvents(run.id, { afterId: e1.id, limit: 1 })).toEqual([e2]);
      expect(await store.listEvents('no-such-run')).toEqual([]);
    });

    it('accepts events that belong to no run', async () => {
      const e = await store.appendEvent({
        time: 9,
        runId: null,
        stepKey: null,
        kind: 'lock.released',
        source: 'cli',
        data: { environment: 'x' },
      });
      expect(e.id).toBeGreaterThan(0);
      expect(e.runId).toBeNull();
    });

    it('gives unique ids to events appended concurrently from several instances', async () => {
      const run = await store.createRun(newRun());
      const stores = [store, await another(), await another()];
      const appended = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (stores[i % stores.length] as Store).appendEvent({
            time: i,
            runId: run.id,
            stepKey: null,
            kind: 'probe',
            source: 'test',
            data: { i },
          }),
        ),
      );
      const listed = await store.listEvents(run.id);
      expect(listed).toHaveLength(60);
      expect(new Set(listed.map((e) => e.id)).size).toBe(60);
      expect(listed.map((e) => e.id)).toEqual([...appended.map((e) => e.id)].sort((x, y) => x - y));
    });
  });

  describe('locks', () => {
    lockContract({ store: () => store, another });
  });

  describe('releases', () => {
    it('upserts by environment and version and lists newest first', async () => {
      const env = uid('env');
      const r1: ReleaseRecord = {
        environment: env,
        version: '1.0.0',
        runId: 'run-1',
        state: 'active',
        createdAt: 100,
        updatedAt: 100,
        data: { port: 9001 },
      };
      const r2: ReleaseRecord = {
        ...r1,
        version: '1.1.0',
        runId: 'run-2',
        state: 'pending',
        createdAt: 200,
        updatedAt: 200,
      };
      await store.upsertRelease(r1);
      await store.upsertRelease(r2);
      await store.upsertRelease({ ...r1, environment: uid('other') });
      expect(await store.listReleases(env)).toEqual([r2, r1]);

      await store.upsertRelease({ ...r2, state: 'active', updatedAt: 300, data: { port: 9002 } });
      // a later upsert must not move createdAt even if it says otherwise
      await store.upsertRelease({ ...r1, state: 'retained', createdAt: 999, updatedAt: 300, runId: null });
      expect(await store.listReleases(env)).toEqual([
        { ...r2, state: 'active', updatedAt: 300, data: { port: 9002 } },
        { ...r1, state: 'retained', updatedAt: 300, runId: null },
      ]);
      expect(await store.listReleases(uid('none'))).toEqual([]);
    });
  });
}
