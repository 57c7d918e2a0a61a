// down, baseline, status, plan and verify against a real database.

import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  migrateBaseline,
  migrateDown,
  migratePlan,
  migrateStatus,
  migrateUp,
  migrateVerify,
  renderPlan,
} from '../../src/migrate/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { collector, historyVersions, migrationsDir, query, removeDirs, tables } from './migrate-helpers.js';

let db: TestDatabase;
const home = path.join(os.tmpdir(), 'rg-migrate-home-down');

beforeAll(async () => {
  db = await createTestDatabase('rg_migrate_down');
});
afterAll(async () => {
  await db.drop();
  await removeDirs();
});
beforeEach(async () => {
  await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
});

describe('migrateDown', () => {
  it('reverts newest first down to --to, each with its down file, and records evidence', async () => {
    const dir = await migrationsDir('shop');
    await migrateUp({ databaseUrl: db.url, dir, home });
    const c = collector();
    const r = await migrateDown({ databaseUrl: db.url, dir, to: 1, onEvent: c.onEvent });
    expect(r.reverted.map((x) => [x.file, x.transactional])).toEqual([
      ['0005_users_email_index.sql', false],
      ['0002_create_orders.sql', true],
    ]);
    expect(c.of('migrate.reverted').map((e) => e.version)).toEqual([5, 2]);
    expect(await tables(db.url)).toEqual(['rollgate_migrations', 'users']);
    expect(await historyVersions(db.url)).toEqual([{ version: '1', status: 'applied' }]);
    expect((await query(db.url, "SELECT 1 FROM pg_class WHERE relname = 'users_email_idx'")).length).toBe(0);
    // and up again restores what down removed
    expect((await migrateUp({ databaseUrl: db.url, dir, home })).applied.map((a) => a.version)).toEqual([
      2, 5,
    ]);
  });

  it('stops before anything runs when one of the versions to revert has no down file', async () => {
    const dir = await migrationsDir('shop');
    await migrateUp({ databaseUrl: db.url, dir, home });
    await rm(path.join(dir, '0002_create_orders.down.sql'));
    await expect(migrateDown({ databaseUrl: db.url, dir, to: 0 })).rejects.toThrow(
      'nothing was reverted: 0002_create_orders.sql has no down file: write 0002_create_orders.down.sql to revert it',
    );
    expect((await historyVersions(db.url)).map((h) => h.version)).toEqual(['1', '2', '5']);
    expect((await query(db.url, "SELECT 1 FROM pg_class WHERE relname = 'users_email_idx'")).length).toBe(1);
  });
});

describe('migrateBaseline', () => {
  it('marks an existing schema as applied up to N; up then runs only what is above', async () => {
    const dir = await migrationsDir('shop');
    await query(
      db.url,
      'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz)',
    );
    await query(db.url, 'CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total_cents int)');
    const r = await migrateBaseline({ databaseUrl: db.url, dir, version: 2, appliedBy: 'carol' });
    expect(r.baselined.map((b) => b.version)).toEqual([1, 2]);
    expect(await historyVersions(db.url)).toEqual([
      { version: '1', status: 'baseline' },
      { version: '2', status: 'baseline' },
    ]);
    const up = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(up.applied.map((a) => a.version)).toEqual([5]);
    expect(up.alreadyApplied).toBe(2);
    await expect(migrateBaseline({ databaseUrl: db.url, dir, version: 3 })).rejects.toThrow(
      /already has a migration history \(3 entries, highest 5\)/,
    );
  });

  it('records a marker when no file carries the baseline number', async () => {
    const dir = await migrationsDir('shop');
    await migrateBaseline({ databaseUrl: db.url, dir, version: 4 });
    const status = await migrateStatus({ databaseUrl: db.url, dir });
    expect(status.entries.map((e) => [e.version, e.state])).toEqual([
      [1, 'baseline'],
      [2, 'baseline'],
      [4, 'baseline'],
      [5, 'pending'],
    ]);
  });
});

describe('status, plan and verify', () => {
  it('status shows pending, applied and missing files; plan changes nothing and lists the SQL in order', async () => {
    const dir = await migrationsDir('shop');
    const before = await migrateStatus({ databaseUrl: db.url, dir });
    expect(before.entries.map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);
    expect(await tables(db.url)).toEqual([]);

    const plan = await migratePlan({ databaseUrl: db.url, dir, backup: true, home });
    expect(plan.actions.map((a) => a.action)).toEqual([
      'lock',
      'backup',
      'migration',
      'migration',
      'migration',
      'unlock',
    ]);
    const text = renderPlan(plan);
    expect(text.indexOf('BEGIN;')).toBeLessThan(text.indexOf('CREATE TABLE users'));
    expect(text).toContain('-- 0005_users_email_index.sql (version 5) -- no transaction');
    expect(text).toContain('pg_dump --format=custom');
    expect(await tables(db.url)).toEqual([]);

    await migrateUp({ databaseUrl: db.url, dir, home });
    await rm(path.join(dir, '0002_create_orders.sql'));
    await rm(path.join(dir, '0002_create_orders.down.sql'));
    const after = await migrateStatus({ databaseUrl: db.url, dir });
    expect(after.entries.map((e) => [e.version, e.state])).toEqual([
      [1, 'applied'],
      [2, 'missing'],
      [5, 'applied'],
    ]);
    const empty = await migratePlan({ databaseUrl: db.url, dir, home });
    expect(renderPlan(empty)).toContain('Nothing to run');
  });

  it('verify runs the assertions of applied migrations read-only and reports the one that fails', async () => {
    const dir = await migrationsDir('shop');
    await migrateUp({ databaseUrl: db.url, dir, home });
    expect((await migrateVerify({ databaseUrl: db.url, dir })).ok).toBe(true);
    await query(db.url, "INSERT INTO users (email) VALUES ('not-an-email')");
    const r = await migrateVerify({ databaseUrl: db.url, dir });
    expect(r.ok).toBe(false);
    const failed = r.results.flatMap((x) => x.assertions.filter((a) => !a.ok));
    expect(failed.map((a) => [a.file, a.line, a.got])).toEqual([
      ['0001_create_users.verify.sql', 1, 'false'],
      ['0001_create_users.verify.sql', 2, 'false'],
    ]);
    // a verify file that writes is refused by the read-only transaction
    await writeFile(path.join(dir, '0002_create_orders.verify.sql'), 'DELETE FROM orders RETURNING true;');
    const w = await migrateVerify({ databaseUrl: db.url, dir });
    expect(w.results.find((x) => x.version === 2)?.assertions[0]?.error).toMatch(/read-only transaction/);
    expect((await query<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM orders'))[0]?.n).toBe('2');
  });

  it('ALTER TYPE … ADD VALUE runs inside a transaction on PostgreSQL 12 and later', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_enum.sql': "CREATE TYPE mood AS ENUM ('ok');",
      '0002_enum_value.sql': "ALTER TYPE mood ADD VALUE 'great';",
    });
    const r = await migrateUp({ databaseUrl: db.url, dir, home });
    expect(r.applied.map((a) => a.transactional)).toEqual([true, true]);
  });
});
