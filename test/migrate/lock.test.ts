// The migration lock: session-level, released by a killed runner, reported when held, and never a
// transaction that CREATE INDEX CONCURRENTLY would wait on. Runs the real CLI for the kill test.

import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lockKeys, migrateUp } from '../../src/migrate/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import {
  finished,
  historyVersions,
  migrationsDir,
  query,
  removeDirs,
  rollgate,
  spawnRollgate,
  tables,
} from './migrate-helpers.js';

let db: TestDatabase;
const home = path.join(os.tmpdir(), 'rg-migrate-home-lock');
const clients: pg.Client[] = [];
const children: ChildProcess[] = [];

async function session(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  clients.push(c);
  return c;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; ; i++) {
    if (await check()) return;
    if (i > 1000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lockHeld = async () =>
  (
    await query(
      db.url,
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND granted",
      [lockKeys[0], lockKeys[1]],
    )
  ).length > 0;

beforeAll(async () => {
  db = await createTestDatabase('rg_migrate_lock');
});
afterAll(async () => {
  await db.drop();
  await removeDirs();
});
beforeEach(async () => {
  await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => {});
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('migration lock', () => {
  it('a runner killed with SIGKILL mid-migration leaves no lock; the next run is not blocked and the history is consistent', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_config.sql':
        'CREATE TABLE sleep_config (seconds float NOT NULL);\nINSERT INTO sleep_config VALUES (0);',
    });
    await migrateUp({ databaseUrl: db.url, dir, home });
    await query(db.url, 'UPDATE sleep_config SET seconds = 600');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(dir, '0002_slow.sql'),
      'CREATE TABLE slow_marker (id int);\nSELECT pg_sleep((SELECT seconds FROM sleep_config));',
    );
    await writeFile(path.join(dir, '0003_after.sql'), 'CREATE TABLE after_slow (id int);');

    const runner = spawnRollgate(['migrate', 'up', '--dir', dir, '--database', db.url], {
      ROLLGATE_HOME: home,
    });
    children.push(runner);
    const done = finished(runner);
    await until('the slow statement to run', async () => {
      const r = await query(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep((SELECT seconds%' AND state = 'active'",
      );
      return r.length > 0 && (await lockHeld());
    });
    runner.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');

    // the lock belonged to the runner's session, so it is gone with it
    await until('the lock to be released', async () => !(await lockHeld()));
    // and the half-done transaction is aborted by the server (client_connection_check_interval)
    await until('the killed runner’s statement to end', async () => {
      const r = await query(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep((SELECT seconds%'",
      );
      return r.length === 0;
    });
    expect(await historyVersions(db.url)).toEqual([{ version: '1', status: 'applied' }]);
    expect(await tables(db.url)).not.toContain('slow_marker');

    await query(db.url, 'UPDATE sleep_config SET seconds = 0');
    const second = await rollgate(
      ['migrate', 'up', '--dir', dir, '--database', db.url, '--lock-timeout', '2s'],
      { ROLLGATE_HOME: home },
    );
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('applied 0002_slow.sql');
    expect(await historyVersions(db.url)).toEqual([
      { version: '1', status: 'applied' },
      { version: '2', status: 'applied' },
      { version: '3', status: 'applied' },
    ]);
    expect(await tables(db.url)).toEqual([
      'after_slow',
      'rollgate_migrations',
      'sleep_config',
      'slow_marker',
    ]);
  });

  it('a lock held by another session times out with exit 4 and names the holder', async () => {
    const dir = await migrationsDir('shop');
    const other = await session();
    await other.query("SET application_name = 'someone else migrating'");
    await other.query('SELECT pg_advisory_lock($1, $2)', [...lockKeys]);
    const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

    const r = await rollgate([
      'migrate',
      'up',
      '--dir',
      dir,
      '--database',
      db.url,
      '--lock-timeout',
      '300ms',
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`the migration lock is held by backend pid ${pid} (someone else migrating`);
    expect(r.stderr).toContain(`pg_terminate_backend(${pid})`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const j = await rollgate([
      '--json',
      'migrate',
      'up',
      '--dir',
      dir,
      '--database',
      db.url,
      '--lock-timeout',
      '100ms',
    ]);
    expect(j.code).toBe(4);
    expect(JSON.parse(j.stdout.trim().split('\n').at(-1) as string).error).toMatchObject({
      code: 'LOCKED',
      holder: { pid },
    });
    expect(await tables(db.url)).toEqual([]);

    await other.query('SELECT pg_advisory_unlock($1, $2)', [...lockKeys]);
    const ok = await rollgate(['migrate', 'up', '--dir', dir, '--database', db.url]);
    expect(ok.code).toBe(0);
  });

  it('CREATE INDEX CONCURRENTLY in a no-transaction file completes while the lock is held: the lock session holds no transaction', async () => {
    const dir = await migrationsDir('shop');
    // another session holds a session-level advisory lock too, idle, as Rollgate's lock session does
    const bystander = await session();
    await bystander.query('SELECT pg_advisory_lock(42)');
    // a writer with an open transaction on users: CREATE INDEX CONCURRENTLY must wait for it, and only for it
    const base = await migrationsDir(undefined, {});
    const { cp } = await import('node:fs/promises');
    for (const f of ['0001_create_users.sql', '0002_create_orders.sql'])
      await cp(path.join(dir, f), path.join(base, f));
    await migrateUp({ databaseUrl: db.url, dir: base, home });
    const writer = await session();
    await writer.query('BEGIN');
    await writer.query("INSERT INTO users (email) VALUES ('writer@example.com')");

    const running = migrateUp({ databaseUrl: db.url, dir, home, appliedBy: 'test' });
    await until('the index build to wait for the writer', async () => {
      const r = await query(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
      );
      return r.length > 0;
    });
    const lockSession = await query<{ state: string; xmin: string | null; xact: Date | null }>(
      db.url,
      `SELECT a.state, a.backend_xmin::text AS xmin, a.xact_start AS xact FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted`,
      [lockKeys[0], lockKeys[1]],
    );
    expect(lockSession).toEqual([{ state: 'idle', xmin: null, xact: null }]);
    await writer.query('ROLLBACK');
    const r = await running;
    expect(r.applied.map((a) => [a.version, a.transactional])).toEqual([[5, false]]);
    const idx = await query<{ indisvalid: boolean }>(
      db.url,
      "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass",
    );
    expect(idx).toEqual([{ indisvalid: true }]);
  });
});
