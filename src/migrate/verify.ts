// Verification queries: NNNN_name.verify.sql runs after its migration (inside the migration's own
// transaction when it has one, so a failed assertion undoes the migration). Every statement must
// return exactly one row with one column whose value is true.

import type pg from 'pg';
import type { PreparedFile } from './prepare.js';
import { positionOf, statementPreview } from './sql-statements.js';

export interface AssertionResult {
  file: string;
  line: number;
  col: number;
  statement: string;
  ok: boolean;
  /** What the statement returned, when it was not a single true. */
  got?: string;
  error?: string;
}

export interface VerifyResult {
  file: string;
  ok: boolean;
  assertions: AssertionResult[];
}

function describeRows(rows: Array<Record<string, unknown>>, fields: number): string {
  if (rows.length !== 1) return `${rows.length} rows`;
  if (fields !== 1) return `${fields} columns`;
  return JSON.stringify(Object.values(rows[0] ?? {})[0] ?? null);
}

/** Runs all assertions; stops at a SQL error (the transaction is then aborted anyway). */
export async function runVerify(client: pg.Client, verify: PreparedFile): Promise<VerifyResult> {
  const assertions: AssertionResult[] = [];
  for (const s of verify.statements) {
    const base = { file: verify.source.file, line: s.line, col: s.col, statement: statementPreview(s.text) };
    try {
      const r = await client.query(s.text);
      const only =
        r.rows.length === 1 && r.fields.length === 1 ? Object.values(r.rows[0] ?? {})[0] : undefined;
      if (only === true) assertions.push({ ...base, ok: true });
      else assertions.push({ ...base, ok: false, got: describeRows(r.rows, r.fields.length) });
    } catch (err) {
      const e = err as { message?: string; position?: string };
      const pos = Number(e.position);
      const at = Number.isInteger(pos) && pos > 0 ? positionOf(verify.source.sql, s.offset + pos - 1) : {};
      assertions.push({ ...base, ...at, ok: false, error: e.message ?? String(err) });
      break;
    }
  }
  return { file: verify.source.file, ok: assertions.every((a) => a.ok), assertions };
}

export function describeVerifyFailure(v: VerifyResult): string {
  return v.assertions
    .filter((a) => !a.ok)
    .map(
      (a) =>
        `${a.file}:${a.line}:${a.col}: assertion failed (${a.error ? `error: ${a.error}` : `expected a single true, got ${a.got}`}): ${a.statement}`,
    )
    .join('\n');
}
