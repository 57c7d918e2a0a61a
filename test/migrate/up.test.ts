// migrateUp against a real PostgreSQL database: history, events, transactions, verify, checksums.

import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateRepair, migrateStatus, migrateUp } from '../../src/migrate/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { collector, historyVersions, migrationsDir, query, removeDirs, tables } from './migrate-helpers.js';

let db: TestDatabase;
const home = path.join(os.tmpdir(), 'rg-migrate-home-up');

beforeAll(async () => {
  db = await createTestDatabase('rg_migrate_up');
});
afterAll(async () => {
  await db.drop();
  await removeDirs();
});
beforeEach(async () => {
  await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
});

describe('migrateUp', () => {
  it('applies pending files in order, records history and evidence, and is idempotent', async () => {
    const dir = await migrationsDir('shop');
    const c = collector();
    const r = await migrateUp({
      databaseUrl: db.url,
      dir,
      home,
      runId: 'run-1',
      appliedBy: 'alice@ci',
      onEvent: c.onEvent,
      log: c.log,
    });
    expect(r.applied.map((a) => [a.file, a.transactional, a.verify?.ok ?? null])).toEqual([
      ['0001_create_users.sql', true, true],
      ['0002_create_orders.sql', true, null],
      ['0005_users_email_index.sql', false, true],
    ]);
    const rows = await query<Record<string, unknown>>(
      db.url,
      'SELECT version::int, name, checksum, duration_ms, applied_by, run_id, status FROM rollgate_migrations ORDER BY version',
    );
    expect(rows.map((x) => [x.version, x.name, x.applied_by, x.run_id, x.status])).toEqual([
      [1, 'create_users', 'alice@ci', 'run-1', 'applied'],
      [2, 'create_orders', 'alice@ci', 'run-1', 'applied'],
      [5, 'users_email_index', 'alice@ci', 'run-1', 'applied'],
    ]);
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(c.of('migrate.lock')[0]).toMatchObject({ acquired: true, scope: 'session' });
    expect(c.of('migrate.applied').map((e) => e.version)).toEqual([1, 2, 5]);
    expect(c.of('migrate.applied')[0]).toMatchObject({ checksum: rows[0]?.checksum, statements: 2 });
    expect(c.of('migrate.verified').map((e) => [e.version, e.ok, e.assertions])).toEqual([
      [1, true, 2],
      [5, true, 1],
    ]);

    const again = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(3);
  });

  it('a failing statement in the middle of a file leaves the database as before that file and names file, statement and line', async () => {
    const dir = await migrationsDir('shop', {
      '0003_bad_middle.sql': [
        'CREATE TABLE coupons (code text PRIMARY KEY);',
        "INSERT INTO coupons VALUES ('A');",
        '',
        "INSERT INTO coupons VALUES ('A');",
        'CREATE TABLE never_created (id int);',
      ].join('\n'),
    });
    const c = collector();
    const err = await migrateUp({ databaseUrl: db.url, dir, home, onEvent: c.onEvent }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'MIGRATION_ERROR' });
    const message = (err as Error).message;
    expect(message).toContain(
      '0003_bad_middle.sql:4:1: statement 3 failed: duplicate key value violates unique constraint',
    );
    expect(message).toContain("INSERT INTO coupons VALUES ('A')");
    expect(message).toContain(
      'The database is as it was before 0003_bad_middle.sql: its transaction was rolled back.',
    );
    expect(message).toContain('Applied before it in this run: 0001_create_users.sql, 0002_create_orders.sql');
    expect(await tables(db.url)).toEqual(['orders', 'rollgate_migrations', 'users']);
    expect(await historyVersions(db.url)).toEqual([
      { version: '1', status: 'applied' },
      { version: '2', status: 'applied' },
    ]);
    expect(c.of('migrate.failed')[0]).toMatchObject({
      version: 3,
      line: 4,
      rolledBack: true,
      sqlState: '23505',
    });
  });

  it('points at the exact line and column PostgreSQL reports inside a statement', async () => {
    const dir = await migrationsDir('shop', {
      '0003_typo.sql': "SELECT 1;\nINSERT INTO users (email,\n                   emial) VALUES ('a', 'b');",
    });
    await expect(migrateUp({ databaseUrl: db.url, dir, home })).rejects.toThrow(
      '0003_typo.sql:3:20: statement 2 failed: column "emial" of relation "users" does not exist',
    );
  });

  it('refuses, before anything runs, a statement that needs -- rollgate:no-transaction', async () => {
    const dir = await migrationsDir('shop', {
      '0003_idx.sql': 'CREATE TABLE t (a int);\n  CREATE INDEX CONCURRENTLY t_a ON t (a);',
    });
    const err = await migrateUp({ databaseUrl: db.url, dir, home }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^nothing was run/);
    expect((err as Error).message).toContain(
      `${path.join(dir, '0003_idx.sql')}:2:3: error [transaction] CREATE INDEX CONCURRENTLY cannot run inside a transaction block`,
    );
    expect(await tables(db.url)).toEqual(['rollgate_migrations']);
  });

  it('refuses a destructive change without -- rollgate:allow destructive, and runs it with', async () => {
    const dir = await migrationsDir('shop', { '0003_drop.sql': 'ALTER TABLE users DROP COLUMN created_at;' });
    await expect(migrateUp({ databaseUrl: db.url, dir, home })).rejects.toThrow(
      /\[destructive\] DROP COLUMN users\.created_at/,
    );
    expect(await tables(db.url)).toEqual(['rollgate_migrations']);
    await writeFile(
      path.join(dir, '0003_drop.sql'),
      '-- rollgate:allow destructive\nALTER TABLE users DROP COLUMN created_at;',
    );
    const r = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(r.applied.map((a) => a.version)).toEqual([1, 2, 3, 5]);
  });

  it('a failed verify assertion rolls back its migration and says which assertion failed', async () => {
    const dir = await migrationsDir('shop', {
      '0003_prices.sql': 'CREATE TABLE prices (cents int);\nINSERT INTO prices VALUES (-5);',
      '0003_prices.verify.sql':
        "SELECT to_regclass('prices') IS NOT NULL;\n\nSELECT min(cents) >= 0 FROM prices;",
    });
    const c = collector();
    const err = await migrateUp({ databaseUrl: db.url, dir, home, onEvent: c.onEvent }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain(
      '0003_prices.verify.sql:3:1: assertion failed (expected a single true, got false): SELECT min(cents) >= 0 FROM prices',
    );
    expect(await tables(db.url)).not.toContain('prices');
    expect(c.of('migrate.verified').at(-1)).toMatchObject({ version: 3, ok: false, assertions: 2 });
    expect((await historyVersions(db.url)).map((h) => h.version)).toEqual(['1', '2']);
  });

  it('stops on an unapplied file numbered below an applied one, unless out of order is allowed', async () => {
    const dir = await migrationsDir('shop');
    await migrateUp({ databaseUrl: db.url, dir, home });
    await writeFile(path.join(dir, '0003_late.sql'), 'CREATE TABLE late (id int);');
    const err = await migrateUp({ databaseUrl: db.url, dir, home }).catch((e: unknown) => e);
    expect((err as Error).message).toContain(
      '0003_late.sql is not applied but is numbered below the applied version 5',
    );
    const status = await migrateStatus({ databaseUrl: db.url, dir });
    expect(status.entries.find((e) => e.version === 3)?.state).toBe('out-of-order');
    const r = await migrateUp({ databaseUrl: db.url, dir, home, allowOutOfOrder: true });
    expect(r.applied.map((a) => a.version)).toEqual([3]);
  });

  it('detects a tampered applied file with both checksums; repair accepts it and records who', async () => {
    const dir = await migrationsDir('shop');
    await migrateUp({ databaseUrl: db.url, dir, home });
    const file = path.join(dir, '0002_create_orders.sql');
    const before = (
      await query<{ checksum: string }>(db.url, 'SELECT checksum FROM rollgate_migrations WHERE version = 2')
    )[0]?.checksum as string;
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after release\n`);
    await writeFile(path.join(dir, '0006_next.sql'), 'CREATE TABLE next_thing (id int);');

    const err = await migrateUp({ databaseUrl: db.url, dir, home }).catch((e: unknown) => e);
    const message = (err as Error).message;
    expect(message).toMatch(/^nothing was run/);
    expect(message).toContain(
      `0002_create_orders.sql was changed after it was applied: recorded sha256 ${before}, file now `,
    );
    expect(message).toContain('rollgate migrate repair');
    expect(await tables(db.url)).not.toContain('next_thing');

    const c = collector();
    const repaired = await migrateRepair({
      databaseUrl: db.url,
      dir,
      appliedBy: 'bob@laptop',
      onEvent: c.onEvent,
    });
    expect(repaired.checksumsAccepted).toHaveLength(1);
    expect(c.of('migrate.repaired')[0]).toMatchObject({
      kind: 'checksum',
      version: 2,
      from: before,
      repairedBy: 'bob@laptop',
    });
    const row = (
      await query<Record<string, unknown>>(
        db.url,
        'SELECT previous_checksum, repaired_by, repaired_at IS NOT NULL AS at FROM rollgate_migrations WHERE version = 2',
      )
    )[0];
    expect(row).toEqual({ previous_checksum: before, repaired_by: 'bob@laptop', at: true });
    const r = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(r.applied.map((a) => a.version)).toEqual([6]);
  });

  it('a failed no-transaction file is recorded as failed, blocks up, and repair clears it', async () => {
    const dir = await migrationsDir('shop', {
      '0006_two_indexes.sql':
        '-- rollgate:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\nCREATE INDEX CONCURRENTLY bad_idx ON orders (no_such_column);',
    });
    const err = await migrateUp({ databaseUrl: db.url, dir, home }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('0006_two_indexes.sql:3:');
    expect((err as Error).message).toContain('its statements before statement 2 took effect');
    expect((await historyVersions(db.url)).at(-1)).toEqual({ version: '6', status: 'failed' });
    await expect(migrateUp({ databaseUrl: db.url, dir, home })).rejects.toThrow(
      /failed part-way while running outside a transaction/,
    );
    await writeFile(
      path.join(dir, '0006_two_indexes.sql'),
      '-- rollgate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_idx ON orders (user_id);\nCREATE INDEX CONCURRENTLY orders_total_idx ON orders (total_cents);',
    );
    const repaired = await migrateRepair({ databaseUrl: db.url, dir });
    expect(repaired.cleared).toEqual([{ version: 6, name: 'two_indexes', status: 'failed' }]);
    const r = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(r.applied.map((a) => a.version)).toEqual([6]);
  });

  it('honours cancellation: the running statement is cancelled from the lock session and rolled back', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(60);',
    });
    const ac = new AbortController();
    const c = collector();
    const running = migrateUp({ databaseUrl: db.url, dir, home, signal: ac.signal, onEvent: c.onEvent });
    // wait until the sleep is really running on the server, then cancel
    for (;;) {
      const r = await query(db.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'");
      if (r.length > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    ac.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await tables(db.url)).toEqual(['rollgate_migrations']);
    expect(c.of('migrate.lock').at(-1)).toMatchObject({ released: true });
  });
});
