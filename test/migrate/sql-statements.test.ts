import { describe, expect, it } from 'vitest';
import { nonTransactionalReason, readPragmas } from '../../src/migrate/pragmas.js';
import { parseSql } from '../../src/migrate/sql-statements.js';

describe('parseSql', () => {
  it('splits statements with their line and column, skipping comments, semicolons in strings and bodies', async () => {
    const sql = [
      '-- header comment',
      "INSERT INTO t VALUES ('a;b');",
      '/* block',
      '   comment */  CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;',
      '',
      '    SELECT 2',
    ].join('\n');
    const r = await parseSql(sql);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.statements.map((s) => [s.type, s.line, s.col])).toEqual([
      ['InsertStmt', 2, 1],
      ['CreateFunctionStmt', 4, 16],
      ['SelectStmt', 6, 5],
    ]);
    expect(r.statements[0]?.text).toBe("INSERT INTO t VALUES ('a;b')");
    expect(r.statements[1]?.text).toContain('$$ SELECT 1; $$');
  });

  it('counts characters, not bytes, after multi-byte text', async () => {
    const r = await parseSql("SELECT 'héllo wörld';  SELECT 2;");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.statements[1]).toMatchObject({ line: 1, col: 24, text: 'SELECT 2' });
  });

  it('returns a syntax error with its position instead of throwing', async () => {
    const r = await parseSql('SELECT 1;\n\nSELEC 2;');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ line: 3, col: 1 });
    expect(r.error.message).toMatch(/syntax error at or near "SELEC"/);
  });

  it('parses what pgsql-ast-parser could not: NOT VALID, VACUUM, VALIDATE CONSTRAINT, GRANT', async () => {
    const r = await parseSql(
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; VACUUM t; ALTER TABLE t VALIDATE CONSTRAINT c; GRANT SELECT ON t TO public;',
    );
    expect(r.ok && r.statements.map((s) => s.type)).toEqual([
      'AlterTableStmt',
      'VacuumStmt',
      'AlterTableStmt',
      'GrantStmt',
    ]);
  });
});

describe('pragmas and statements that cannot run in a transaction', () => {
  it('reads no-transaction only from the top comment block, allow from any comment line', () => {
    expect(
      readPragmas('-- rollgate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);').noTransaction,
    ).toBe(true);
    expect(readPragmas('-- about this file\n\n--   rollgate:no-transaction  \nSELECT 1;').noTransaction).toBe(
      true,
    );
    expect(readPragmas('SELECT 1;\n-- rollgate:no-transaction\n').noTransaction).toBe(false);
    expect([...readPragmas('SELECT 1;\n-- rollgate:allow destructive, rename\n').allow]).toEqual([
      'destructive',
      'rename',
    ]);
  });

  it('names each statement that must run outside a transaction', async () => {
    const r = await parseSql(
      "CREATE INDEX CONCURRENTLY i ON t (a); DROP INDEX CONCURRENTLY i; REINDEX INDEX CONCURRENTLY i; VACUUM t; ALTER TYPE mood ADD VALUE 'x'; CREATE INDEX j ON t (a);",
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.statements.map((s) => nonTransactionalReason(s, 150000))).toEqual([
      'CREATE INDEX CONCURRENTLY',
      'DROP INDEX CONCURRENTLY',
      'REINDEX CONCURRENTLY',
      'VACUUM',
      undefined,
      undefined,
    ]);
    expect(nonTransactionalReason(r.statements[4] as (typeof r.statements)[number], 110000)).toMatch(
      /ADD VALUE/,
    );
  });
});
