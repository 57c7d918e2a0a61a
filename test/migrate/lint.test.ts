import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failingFindings, findExpandContractViolations, lintMigrations } from '../../src/migrate/lint.js';
import { fixtures, migrationsDir, removeDirs } from './migrate-helpers.js';

afterAll(removeDirs);

describe('lintMigrations', () => {
  it('reports every unsafe pattern with FILE:LINE:COL, a rule and a hint', async () => {
    const dir = path.join(fixtures, 'unsafe');
    const findings = await lintMigrations(dir);
    const file = path.join(dir, '0002_unsafe.sql');
    expect(findings.map((f) => `${f.file}:${f.line}:${f.col} ${f.rule} ${f.severity}`)).toEqual([
      `${file}:2:1 index-concurrently warning`,
      `${file}:3:1 lock-timeout warning`,
      `${file}:3:1 not-null-default warning`,
      `${file}:4:1 not-valid warning`,
      `${file}:5:1 type-change warning`,
      `${file}:6:1 rename warning`,
      `${file}:7:1 destructive error`,
    ]);
    for (const f of findings) expect(f.hint.length).toBeGreaterThan(20);
    expect(findings.find((f) => f.rule === 'rename')).toMatchObject({ renames: true, destructive: false });
    expect(findings.find((f) => f.rule === 'destructive')).toMatchObject({
      renames: false,
      destructive: true,
    });
    // 0001 only touches a table it creates; 0003 sets lock_timeout, uses DEFAULT and NOT VALID
    expect(findings.some((f) => !f.file.endsWith('0002_unsafe.sql'))).toBe(false);
  });

  it('flags DROP TABLE, statements needing no-transaction, and transaction control', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_x.sql':
        "SET lock_timeout = '1s';\nDROP TABLE old_things;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;",
    });
    const findings = await lintMigrations(dir);
    expect(findings.map((f) => [f.line, f.rule, f.severity])).toEqual([
      [2, 'destructive', 'error'],
      [3, 'transaction', 'error'],
      [4, 'transaction', 'error'],
    ]);
    expect(findings[1]?.message).toBe('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
  });

  it('keeps an allowed finding as info: it no longer fails, but validate still sees it', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_drop.sql':
        "-- rollgate:allow destructive\nSET lock_timeout = '1s';\nALTER TABLE t DROP COLUMN c;",
    });
    const findings = await lintMigrations(dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'info', destructive: true });
    expect(failingFindings(findings)).toEqual([]);
    const violations = await findExpandContractViolations([dir]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(
      /before a canary or blue-green step, while the old release still serves/,
    );
    expect(violations[0]?.hint).toMatch(/expand .* contract/);
  });

  it('reports a file PostgreSQL cannot parse as a finding at its position, and lints the rest', async () => {
    const dir = await migrationsDir(undefined, {
      '0001_bad.sql': 'CREATE TABLE a (id int);\nALTER TABLE a ADDD COLUMN b int;',
      '0002_ok.sql': 'ALTER TABLE a RENAME TO b;',
      '0002_ok.down.sql': 'ALTER TABLE b RENAME TO;',
    });
    const findings = await lintMigrations(dir);
    expect(findings.map((f) => [path.basename(f.file), f.line, f.rule])).toEqual([
      ['0001_bad.sql', 2, 'syntax'],
      ['0002_ok.sql', 1, 'lock-timeout'],
      ['0002_ok.sql', 1, 'rename'],
      ['0002_ok.down.sql', 1, 'syntax'],
    ]);
    expect(findings[0]?.message).toMatch(/syntax error at or near "ADDD"/);
    expect(findings[0]?.col).toBe(15);
  });
});
