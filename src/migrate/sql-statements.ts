// Splits a migration file into statements with the real PostgreSQL parser (libpg-query, the server's
// own grammar compiled to WebAssembly), keeping each statement's text, node and FILE:LINE:COL.
// pgsql-ast-parser was not enough: it rejects NOT VALID, VACUUM, VALIDATE CONSTRAINT, GRANT, which
// are exactly what safe migrations contain.

import { loadModule, parseSync } from 'libpg-query';

export interface SqlStatement {
  /** 0-based position of the statement in its file. */
  index: number;
  /** Statement text without leading comments/whitespace and without the closing semicolon. */
  text: string;
  /** Character offset of the first character of `text` in the file. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Node type, e.g. "AlterTableStmt". */
  type: string;
  /** The parse tree of the statement (libpg-query JSON). */
  node: Record<string, unknown>;
}

export interface SqlSyntaxError {
  message: string;
  line: number;
  col: number;
}

export type ParsedSql = { ok: true; statements: SqlStatement[] } | { ok: false; error: SqlSyntaxError };

let loaded: Promise<void> | undefined;

/** Loads the WebAssembly parser once per process. */
export function loadSqlParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** Length of leading whitespace and comments (line and nested block comments). */
function leadingTrivia(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return i;
}

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parses SQL text into statements; a syntax error is returned with its position, never thrown. */
export async function parseSql(sql: string): Promise<ParsedSql> {
  await loadSqlParser();
  // why: libpg-query reports byte offsets into the UTF-8 encoding, not character offsets
  const bytes = Buffer.from(sql, 'utf8');
  const charOffset = (byteOffset: number) => bytes.subarray(0, byteOffset).toString('utf8').length;
  let raw: RawStmt[];
  try {
    raw = (parseSync(sql) as unknown as { stmts?: RawStmt[] }).stmts ?? [];
  } catch (err) {
    const details = (err as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const pos = details?.cursorPosition ?? 0;
    const at = positionOf(sql, charOffset(Math.max(0, Math.min(pos, bytes.length))));
    return { ok: false, error: { message: details?.message ?? String((err as Error).message), ...at } };
  }
  const statements: SqlStatement[] = [];
  for (const r of raw) {
    const startByte = r.stmt_location ?? 0;
    const endByte = r.stmt_len === undefined || r.stmt_len === 0 ? bytes.length : startByte + r.stmt_len;
    const start = charOffset(startByte);
    const full = bytes.subarray(startByte, endByte).toString('utf8');
    const skip = leadingTrivia(full);
    const text = full.slice(skip).replace(/[\s;]+$/, '');
    if (text === '') continue;
    const node = r.stmt ?? {};
    const type = Object.keys(node)[0] ?? 'Unknown';
    const offset = start + skip;
    statements.push({
      index: statements.length,
      text,
      offset,
      ...positionOf(sql, offset),
      type,
      node: (node[type] ?? {}) as Record<string, unknown>,
    });
  }
  return { ok: true, statements };
}

/** First line of a statement, shortened, for messages. */
export function statementPreview(text: string, max = 80): string {
  const first = text.split('\n')[0] ?? '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
