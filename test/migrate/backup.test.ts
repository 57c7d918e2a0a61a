// Backups through the real CLI: pg_dump -Fc before the first migration, verified and recorded;
// skipped when nothing is pending; restored into a new database and compared table by table.

import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/migrate/backup.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { migrationsDir, query, removeDirs, rollgate, tables } from './migrate-helpers.js';

let db: TestDatabase;
const home = path.join(os.tmpdir(), `rg-migrate-home-backup-${process.pid}`);
const restoredName = `rg_restored_${process.pid}`;
const restoredUrl = () => {
  const u = new URL(db.url);
  u.pathname = `/${restoredName}`;
  return u.toString();
};

beforeAll(async () => {
  db = await createTestDatabase('rg_migrate_backup');
});
afterAll(async () => {
  await query(db.url, `DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`);
  await db.drop();
  await removeDirs();
  await rm(home, { recursive: true, force: true });
});

/** sha256 of each table's rows in a stable order. */
async function tableDigests(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of await tables(url)) {
    const rows = await query<{ d: string; n: string }>(
      url,
      `SELECT encode(sha256(convert_to(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), ''), 'UTF8')), 'hex') AS d, count(*)::text AS n FROM "${t}" x`,
    );
    out[t] = `${rows[0]?.n} rows ${rows[0]?.d}`;
  }
  return out;
}

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('backup and restore', () => {
  it('takes a verified backup before migrating, restores it into a new database identical table by table', async () => {
    const dir = await migrationsDir('shop');
    await rm(path.join(dir, '0005_users_email_index.sql'));
    await rm(path.join(dir, '0005_users_email_index.down.sql'));
    await rm(path.join(dir, '0005_users_email_index.verify.sql'));
    const first = await rollgate(['migrate', 'up', '--dir', dir, '--database', db.url], {
      ROLLGATE_HOME: home,
    });
    expect(first.code).toBe(0);
    await query(
      db.url,
      "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 500) g",
    );
    const before = await tableDigests(db.url);

    await writeFile(
      path.join(dir, '0006_loyalty.sql'),
      "ALTER TABLE users ADD COLUMN loyalty text NOT NULL DEFAULT 'none';",
    );
    const up = await rollgate(['--json', 'migrate', 'up', '--backup', '--dir', dir, '--database', db.url], {
      ROLLGATE_HOME: home,
    });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const ev = events(up.stdout);
    const kinds = ev.map((e) => e.event ?? (e.result ? 'result' : '?'));
    // the backup is taken and verified before the first migration runs
    expect(kinds.indexOf('migrate.backup')).toBeLessThan(kinds.indexOf('migrate.applied'));
    const backup = ev.find((e) => e.event === 'migrate.backup') as Record<string, unknown>;
    expect(backup).toMatchObject({ verified: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(backup.file).toMatch(new RegExp(`^${home}/backups/.+\\.dump$`));
    expect(backup.sizeBytes).toBe((await readFile(backup.file as string)).length);
    expect(backup.sha256).toBe(await sha256File(backup.file as string));
    expect(backup.tocEntries).toBeGreaterThan(5);
    const sidecar = JSON.parse(await readFile(`${backup.file as string}.json`, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(sidecar.sha256).toBe(backup.sha256);
    expect((await tableDigests(db.url)).users).not.toBe(before.users);

    const restored = await rollgate([
      'migrate',
      'restore',
      backup.file as string,
      '--into',
      restoredName,
      '--database',
      db.url,
    ]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await tableDigests(restoredUrl())).toEqual(before);
    const versions = await query<{ v: string }>(
      restoredUrl(),
      'SELECT version::text AS v FROM rollgate_migrations ORDER BY 1',
    );
    expect(versions.map((r) => r.v)).toEqual(['1', '2']);

    // nothing pending: no backup, and a notice saying so
    const count = (await readdir(path.join(home, 'backups'))).length;
    const again = await rollgate(['migrate', 'up', '--backup', '--dir', dir, '--database', db.url], {
      ROLLGATE_HOME: home,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('backup skipped: nothing to migrate');
    expect((await readdir(path.join(home, 'backups'))).length).toBe(count);

    // restoring into an existing name is refused, as is a backup whose bytes changed
    const exists = await rollgate([
      'migrate',
      'restore',
      backup.file as string,
      '--into',
      restoredName,
      '--database',
      db.url,
    ]);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain(`cannot create database ${restoredName}`);
    const bytes = await readFile(backup.file as string);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(backup.file as string, bytes);
    const tampered = await rollgate([
      'migrate',
      'restore',
      backup.file as string,
      '--into',
      'rg_never',
      '--database',
      db.url,
    ]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('the file changed, refusing to restore it');
  });
});
