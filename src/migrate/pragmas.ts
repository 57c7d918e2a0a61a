// Rollgate pragmas in migration files and the statements that PostgreSQL refuses to run inside a
// transaction block. `-- rollgate:no-transaction` must sit in the comment block at the top of a file;
// `-- rollgate:allow RULE[, RULE]` may sit on any line and silences those lint rules for the file.

import type { SqlStatement } from './sql-statements.js';

export interface FilePragmas {
  noTransaction: boolean;
  /** Lint rules allowed for this file, e.g. "destructive", "rename". */
  allow: Set<string>;
}

const noTransactionPattern = /^--\s*rollgate:no-transaction\s*$/;
const allowPattern = /^--\s*rollgate:allow\s+(.+)$/;

export function readPragmas(sql: string): FilePragmas {
  const allow = new Set<string>();
  let noTransaction = false;
  let inHeader = true;
  for (const rawLine of sql.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const isComment = line.startsWith('--');
    if (!isComment) inHeader = false;
    if (inHeader && noTransactionPattern.test(line)) noTransaction = true;
    const allowMatch = isComment ? allowPattern.exec(line) : null;
    if (allowMatch?.[1]) {
      for (const rule of allowMatch[1].split(/[\s,]+/)) if (rule) allow.add(rule.toLowerCase());
    }
  }
  return { noTransaction, allow };
}

/**
 * Why a statement cannot run inside a transaction block, or undefined when it can.
 * serverVersionNum (e.g. 150004) decides ALTER TYPE … ADD VALUE, allowed in a transaction since 12.
 */
export function nonTransactionalReason(stmt: SqlStatement, serverVersionNum = 120000): string | undefined {
  const n = stmt.node;
  switch (stmt.type) {
    case 'IndexStmt':
      return n.concurrent === true ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return n.concurrent === true ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt': {
      const params = JSON.stringify(n.params ?? []);
      return params.includes('"concurrently"') ? 'REINDEX CONCURRENTLY' : undefined;
    }
    case 'VacuumStmt':
      return n.is_vacuumcmd === true ? 'VACUUM' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'AlterEnumStmt':
      return serverVersionNum < 120000 && n.oldVal === undefined
        ? 'ALTER TYPE … ADD VALUE (before PostgreSQL 12)'
        : undefined;
    default:
      return undefined;
  }
}

/** Transaction control inside a file would break the runner's own transaction handling. */
export function isTransactionControl(stmt: SqlStatement): boolean {
  return stmt.type === 'TransactionStmt';
}
