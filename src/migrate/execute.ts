// Runs the statements of one prepared file on the migration session, one at a time, so a failure
// names the file, the statement and its line (from PostgreSQL's error position when it gives one).

import type pg from 'pg';
import { RollgateError } from '../shared/errors.js';
import type { PreparedFile } from './prepare.js';
import { positionOf, type SqlStatement, statementPreview } from './sql-statements.js';

export interface StatementFailure {
  file: string;
  line: number;
  col: number;
  statement: string;
  statementIndex: number;
  message: string;
  sqlState?: string;
}

export class StatementError extends Error {
  readonly failure: StatementFailure;
  constructor(failure: StatementFailure, cause: unknown) {
    super(failure.message, { cause });
    this.failure = failure;
  }
}

function locate(file: PreparedFile, s: SqlStatement, err: unknown): StatementFailure {
  const e = err as { message?: string; position?: string; code?: string };
  let { line, col } = s;
  const pos = Number(e.position);
  if (Number.isInteger(pos) && pos > 0) ({ line, col } = positionOf(file.source.sql, s.offset + pos - 1));
  return {
    file: file.source.file,
    line,
    col,
    statement: statementPreview(s.text),
    statementIndex: s.index,
    message: e.message ?? String(err),
    ...(e.code ? { sqlState: e.code } : {}),
  };
}

/** Runs every statement; throws StatementError at the first failure. */
export async function runStatements(client: pg.Client, file: PreparedFile): Promise<number> {
  for (const s of file.statements) {
    try {
      await client.query(s.text);
    } catch (err) {
      throw new StatementError(locate(file, s, err), err);
    }
  }
  return file.statements.length;
}

export function describeFailure(f: StatementFailure): string {
  return `${f.file}:${f.line}:${f.col}: statement ${f.statementIndex + 1} failed: ${f.message}\n  ${f.statement}`;
}

/** Cancels the running statement of `pid` from another session when the signal fires. */
export function cancelOnAbort(signal: AbortSignal | undefined, from: pg.Client, pid: number): () => void {
  if (!signal) return () => {};
  const onAbort = () => {
    from.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new RollgateError('CANCELLED', `cancelled ${what}`);
}
