// Runs the Store contract against a fresh real PostgreSQL database, plus what only PostgreSQL has:
// concurrent init() from several instances under the advisory lock, and int8 columns as numbers.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/shared/errors.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { postgresMigrations } from '../../src/store/schema-migrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { storeContract } from './store-contract.js';

let db: TestDatabase;
let fresh: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rg_store');
  fresh = await createTestDatabase('rg_store_init');
});

afterAll(async () => {
  await db?.drop();
  await fresh?.drop();
});

async function open(url = db.url): Promise<PostgresStore> {
  const s = new PostgresStore({ url, maxConnections: 2 });
  try {
    await s.init();
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

describe('PostgresStore contract', () => {
  storeContract(() => open());
});

describe('PostgresStore schema', () => {
  it('applies the schema once when 8 instances call init() at the same time on an empty database', async () => {
    const stores = Array.from({ length: 8 }, () => new PostgresStore({ url: fresh.url, maxConnections: 1 }));
    try {
      await Promise.all(stores.map((s) => s.init()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT version FROM rollgate_schema_version ORDER BY version');
      expect(rows).toEqual(postgresMigrations.map((m) => ({ version: m.version })));
    } finally {
      await c.end();
    }
  });

  it('returns bigint columns as numbers', async () => {
    const s = await open();
    try {
      const big = 4_102_444_800_000; // year 2100 in ms: beyond int4
      const run = await s.createRun({
        id: 'big-times',
        app: 'shop',
        environment: 'e',
        version: '1',
        planPath: '/p',
        planText: '',
        inputs: {},
        user: 'u',
        owner: null,
        createdAt: big,
      });
      await s.updateRun(run.id, { heartbeatAt: big + 1 });
      const got = await s.getRun(run.id);
      expect(got?.createdAt).toBe(big);
      expect(got?.heartbeatAt).toBe(big + 1);
      const e = await s.appendEvent({
        time: big,
        runId: run.id,
        stepKey: null,
        kind: 'k',
        source: 's',
        data: {},
      });
      expect(typeof e.id).toBe('number');
      expect((await s.listEvents(run.id))[0]).toEqual(e);
    } finally {
      await s.close();
    }
  });

  it('refuses a database written by a newer Rollgate schema', async () => {
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    await c.query(
      "INSERT INTO rollgate_schema_version (version, description, applied_at) VALUES (999, 'future', 0)",
    );
    await c.end();
    const s = new PostgresStore({ url: fresh.url });
    const err = await s.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    await s.close();
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('STORE_ERROR');
    expect((err as RollgateError).message).toMatch(/schema version 999.*upgrade Rollgate/);
  });
});
