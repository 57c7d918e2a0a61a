// The `rollgate migrate` command's contract (exit codes, --json, help) and the `migrate` step kind.

import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStep } from '../../src/steps/migrate.js';
import type { StepContext } from '../../src/steps/step-kind.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import {
  collector,
  fixtures,
  migrationsDir,
  query,
  removeDirs,
  rollgate,
  tables,
} from './migrate-helpers.js';

let db: TestDatabase;
const home = path.join(os.tmpdir(), 'rg-migrate-home-cli');

beforeAll(async () => {
  db = await createTestDatabase('rg_migrate_cli');
});
afterAll(async () => {
  await db.drop();
  await removeDirs();
});

describe('rollgate migrate', () => {
  it('every subcommand teaches: a description and an example in its help', async () => {
    for (const sub of ['status', 'plan', 'up', 'down', 'verify', 'lint', 'baseline', 'repair', 'restore']) {
      const r = await rollgate(['migrate', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toMatch(/Example:\n {2}.*rollgate migrate /);
    }
  });

  it('lint exits 1 on problems with FILE:LINE:COL, 0 when clean, --json lists findings', async () => {
    const unsafe = path.join(fixtures, 'unsafe');
    const bad = await rollgate(['migrate', 'lint', '--dir', unsafe]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${unsafe}/0002_unsafe.sql:7:1: error [destructive]`);
    expect(bad.stdout).toContain('7 problems');
    const good = await rollgate(['migrate', 'lint', '--dir', path.join(fixtures, 'shop')]);
    expect(good.stdout.trim()).toBe(`no problems in ${path.join(fixtures, 'shop')}`);
    expect(good.code).toBe(0);
    const json = await rollgate(['--json', 'migrate', 'lint', '--dir', unsafe]);
    const findings = (JSON.parse(json.stdout) as { findings: Array<Record<string, unknown>> }).findings;
    expect(findings[0]).toMatchObject({
      line: 2,
      col: 1,
      rule: 'index-concurrently',
      destructive: false,
      renames: false,
    });
  });

  it('bad input exits 2 with a message to act on, never a stack trace', async () => {
    const noDb = await rollgate(['migrate', 'up', '--dir', path.join(fixtures, 'shop')], {
      DATABASE_URL: '',
    });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('no database given: pass --database');
    const badTimeout = await rollgate(['migrate', 'up', '--database', db.url, '--lock-timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--lock-timeout soon: expected a duration');
    const badTo = await rollgate(['migrate', 'down', '--database', db.url, '--to', 'last']);
    expect(badTo.code).toBe(2);
    const noDir = await rollgate(['migrate', 'status', '--database', db.url, '--dir', '/nonexistent']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('/nonexistent cannot be read');
    for (const r of [noDb, badTimeout, badTo, noDir]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a failed migration exits 1; status and plan --json report the state; the password never shows', async () => {
    const u = new URL(db.url);
    u.password = 'hunter2-secret';
    const withPassword = u.toString(); // trust auth ignores the password
    const dir = await migrationsDir('shop', { '0006_fails.sql': 'SELECT 1/0;' });
    const failed = await rollgate(['migrate', 'up', '--dir', dir, '--database', withPassword], {
      ROLLGATE_HOME: home,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('0006_fails.sql:1:1: statement 1 failed: division by zero');
    const status = await rollgate(['--json', 'migrate', 'status', '--dir', dir, '--database', withPassword]);
    const s = JSON.parse(status.stdout) as {
      entries: Array<{ version: number; state: string }>;
      pending: number[];
    };
    expect(s.entries.map((e) => [e.version, e.state])).toEqual([
      [1, 'applied'],
      [2, 'applied'],
      [5, 'applied'],
      [6, 'pending'],
    ]);
    const plan = await rollgate(['--json', 'migrate', 'plan', '--dir', dir, '--database', withPassword]);
    expect(JSON.parse(plan.stdout)).toMatchObject({ pending: 1, database: expect.stringContaining(':***@') });
    for (const r of [failed, status, plan]) expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  });
});

describe('migrate step kind', () => {
  function context(planDir: string, signal = new AbortController().signal) {
    const c = collector();
    const ctx: StepContext = {
      runId: 'run-step-1',
      app: 'shop',
      environment: 'staging',
      version: '1.0.0',
      stepKey: 'migrate/0',
      stepName: 'migrate',
      attempt: 1,
      signal,
      planDir,
      // why: the migrate step reads only its own parameters, never the plan
      plan: {} as StepContext['plan'],
      interpolate: <T>(value: T) => value,
      home,
      env: {},
      log: c.log,
      record: async (kind, data) => {
        c.onEvent(kind, data);
        return c.events.length;
      },
      waitForApproval: async () => {
        throw new Error('not used');
      },
    };
    return { ctx, c };
  }

  it('parses its parameters with defaults and rejects unknown keys', () => {
    expect(migrateStep.schema.parse({ database: db.url })).toEqual({
      dir: 'migrations',
      database: db.url,
      backup: false,
      lockTimeout: '10s',
      allowOutOfOrder: false,
    });
    expect(migrateStep.schema.safeParse({ database: db.url, lockTimout: '5s' }).success).toBe(false);
    expect(migrateStep.schema.safeParse({ database: db.url, lockTimeout: 'soon' }).success).toBe(false);
    const u = new URL(db.url);
    u.password = 'hunter2';
    expect(
      migrateStep.describe(migrateStep.schema.parse({ database: u.toString(), backup: true })),
    ).not.toContain('hunter2');
  });

  it('applies migrations relative to the plan directory and records every fact as evidence', async () => {
    await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    const planDir = await migrationsDir();
    await import('node:fs/promises').then((fs) =>
      fs.cp(path.join(fixtures, 'shop'), path.join(planDir, 'db'), { recursive: true }),
    );
    const { ctx, c } = context(planDir);
    const out = await migrateStep.execute(
      ctx,
      migrateStep.schema.parse({ dir: 'db', database: db.url, backup: true }),
    );
    expect(out.summary).toBe('applied 3 migrations');
    expect(c.events.map((e) => e.kind)).toEqual([
      'migrate.lock',
      'migrate.backup',
      'migrate.applied',
      'migrate.verified',
      'migrate.applied',
      'migrate.applied',
      'migrate.verified',
      'migrate.lock',
    ]);
    expect(c.of('migrate.backup')[0]).toMatchObject({ verified: true, sizeBytes: expect.any(Number) });
    expect(c.lines.some((l) => l.startsWith('applied 0001_create_users.sql'))).toBe(true);
    expect(
      (await query<{ run_id: string }>(db.url, 'SELECT DISTINCT run_id FROM rollgate_migrations')).map(
        (r) => r.run_id,
      ),
    ).toEqual(['run-step-1']);
    const again = await migrateStep.execute(
      ctx,
      migrateStep.schema.parse({ dir: 'db', database: db.url, backup: true }),
    );
    expect(again.summary).toBe('up to date (3 applied)');
    expect(c.of('migrate.backup').at(-1)).toMatchObject({ skipped: true });
    expect(await tables(db.url)).toContain('orders');
  });
});
