// Runs the Store contract against SQLite files in a temp dir, plus what only SQLite has: WAL mode,
// the schema version table, and several real processes sharing one file.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/shared/errors.js';
import { sqliteMigrations } from '../../src/store/schema-migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { storeContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'rg-sqlite-store-'));
const dbPath = join(dir, 'state.db');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function open(path = dbPath): Promise<SqliteStore> {
  const s = new SqliteStore({ path });
  await s.init();
  return s;
}

describe('SqliteStore contract', () => {
  storeContract(() => open());
});

describe('SqliteStore file', () => {
  it('uses WAL mode and records each applied schema version once', async () => {
    const path = join(dir, 'schema.db');
    const a = await open(path);
    const b = await open(path);
    await a.init();
    await Promise.all([a.close(), b.close()]);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = db.prepare('SELECT version FROM rollgate_schema_version ORDER BY version').all();
      expect(versions).toEqual(sqliteMigrations.map((m) => ({ version: m.version })));
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer Rollgate schema', async () => {
    const path = join(dir, 'newer.db');
    await (await open(path)).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO rollgate_schema_version (version, description, applied_at) VALUES (999, 'future', 0)",
    ).run();
    db.close();
    const s = new SqliteStore({ path });
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

const childScript = fileURLToPath(new URL('./fixtures/sqlite-lock-racer.ts', import.meta.url));

interface ChildResult {
  acquired: boolean;
  ids: number[];
}

/** Starts a racer process; it waits for "go" on stdin so all racers start together. */
function startRacer(path: string, env: string, runId: string, events: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, path, env, runId, String(events)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (out.includes('ready\n')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`racer exited early (${code}): ${err}`)));
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`racer failed (${code}): ${err}`));
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return reject(new Error(`racer printed no result: ${out} ${err}`));
      resolve(JSON.parse(line) as ChildResult);
    });
  });
  return { child, ready, done };
}

describe('SqliteStore shared by several processes', () => {
  const children: ReturnType<typeof startRacer>['child'][] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('lets exactly one process win the lock while all of them append events to one run', async () => {
    const path = join(dir, 'shared.db');
    const s = await open(path);
    const run = await s.createRun({
      id: 'shared-run',
      app: 'shop',
      environment: 'production',
      version: '1.0.0',
      planPath: '/p',
      planText: '',
      inputs: {},
      user: 'ada',
      owner: null,
      createdAt: 0,
    });
    const racers = Array.from({ length: 4 }, (_, i) => startRacer(path, 'production', `proc-${i}`, 100));
    children.push(...racers.map((r) => r.child));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.stdin.end('go\n');
    const results = await Promise.all(racers.map((r) => r.done));

    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const events = await s.listEvents(run.id);
    expect(events).toHaveLength(400);
    const allIds = results.flatMap((r) => r.ids).sort((a, b) => a - b);
    expect(events.map((e) => e.id)).toEqual(allIds);
    await s.close();
  });
});
