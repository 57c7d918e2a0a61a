// Pre-flight of the files about to run: parse each (and its verify file), refuse transaction
// control, statements that need -- rollgate:no-transaction, and destructive changes that are not
// allowed. Everything here fails before the first statement runs.

import path from 'node:path';
import { RollgateError } from '../shared/errors.js';
import type { MigrationFile, SqlFile } from './files.js';
import { formatFinding } from './lint.js';
import { lintStatements } from './lint-rules.js';
import { parseSql, type SqlStatement } from './sql-statements.js';

export interface PreparedFile {
  source: SqlFile;
  statements: SqlStatement[];
  transactional: boolean;
}

export interface PreparedMigration {
  migration: MigrationFile;
  main: PreparedFile;
  verify?: PreparedFile;
}

async function prepareFile(
  f: SqlFile,
  dir: string,
  problems: string[],
  blockDestructive: boolean,
  serverVersionNum?: number,
) {
  const shown = path.join(dir, f.file);
  const parsed = await parseSql(f.sql);
  if (!parsed.ok) {
    problems.push(
      `${shown}:${parsed.error.line}:${parsed.error.col}: PostgreSQL cannot parse it: ${parsed.error.message}`,
    );
    return undefined;
  }
  for (const finding of lintStatements(shown, parsed.statements, f.pragmas, serverVersionNum)) {
    const blocking = finding.severity === 'error' && (finding.rule !== 'destructive' || blockDestructive);
    if (blocking) problems.push(formatFinding(finding));
  }
  return { source: f, statements: parsed.statements, transactional: !f.pragmas.noTransaction };
}

function fail(problems: string[]): never {
  throw new RollgateError(
    'MIGRATION_ERROR',
    `nothing was run: ${problems.length} problem${problems.length === 1 ? '' : 's'} found before migrating:\n${problems.join('\n')}`,
    { details: { problems } },
  );
}

/** Parses files that run as they are (verify files): syntax and transaction rules only. */
export async function prepareSqlFiles(files: SqlFile[], dir: string): Promise<PreparedFile[]> {
  const problems: string[] = [];
  const out: PreparedFile[] = [];
  for (const f of files) {
    const p = await prepareFile(f, dir, problems, false);
    if (p) out.push(p);
  }
  if (problems.length > 0) fail(problems);
  return out;
}

export async function prepareUp(
  pending: MigrationFile[],
  dir: string,
  serverVersionNum: number,
): Promise<PreparedMigration[]> {
  const problems: string[] = [];
  const out: PreparedMigration[] = [];
  for (const m of pending) {
    const main = await prepareFile(m, dir, problems, true, serverVersionNum);
    const verify = m.verify ? await prepareFile(m.verify, dir, problems, false, serverVersionNum) : undefined;
    if (main) out.push({ migration: m, main, ...(verify ? { verify } : {}) });
  }
  if (problems.length > 0) fail(problems);
  return out;
}

/** Down files: destructive statements are their purpose, so only syntax and transaction rules apply. */
export async function prepareDown(
  targets: MigrationFile[],
  dir: string,
  serverVersionNum: number,
): Promise<Array<{ migration: MigrationFile; down: PreparedFile }>> {
  const problems: string[] = [];
  const out: Array<{ migration: MigrationFile; down: PreparedFile }> = [];
  for (const m of targets) {
    if (!m.down) continue;
    const down = await prepareFile(m.down, dir, problems, false, serverVersionNum);
    if (down) out.push({ migration: m, down });
  }
  if (problems.length > 0) fail(problems);
  return out;
}
