// Discovery of migration files: NNNN_name.sql with optional NNNN_name.down.sql and
// NNNN_name.verify.sql, ordered by number (gaps allowed). Names that look like migrations but do not
// follow the pattern are errors, so a typo never silently skips a file.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { RollgateError } from '../shared/errors.js';
import { migrationChecksum } from './checksum.js';
import { type FilePragmas, readPragmas } from './pragmas.js';

export interface SqlFile {
  /** Absolute path. */
  path: string;
  /** File name as shown to users, e.g. 0003_add_email.sql. */
  file: string;
  sql: string;
  pragmas: FilePragmas;
}

export interface MigrationFile extends SqlFile {
  version: number;
  name: string;
  checksum: string;
  down?: SqlFile;
  verify?: SqlFile;
}

const filePattern = /^(\d+)_([A-Za-z0-9][\w.-]*?)(?:\.(down|verify))?\.sql$/;

async function readSqlFile(dir: string, file: string): Promise<SqlFile> {
  const p = path.join(dir, file);
  const sql = await readFile(p, 'utf8');
  return { path: p, file, sql, pragmas: readPragmas(sql) };
}

/** Reads all migrations of a directory, ordered by version. */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new RollgateError(
      'NOT_FOUND',
      `migrations directory ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass --dir or create it with files named 0001_name.sql`,
      { cause: err },
    );
  }
  const mains = new Map<number, MigrationFile>();
  const extras: Array<{ version: number; name: string; role: 'down' | 'verify'; file: string }> = [];
  for (const file of names.sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = filePattern.exec(file);
    if (!m) {
      throw new RollgateError(
        'INVALID_INPUT',
        `${path.join(dir, file)}: migration files must be named NNNN_name.sql (optionally NNNN_name.down.sql or NNNN_name.verify.sql)`,
      );
    }
    const version = Number(m[1]);
    if (!Number.isSafeInteger(version)) {
      throw new RollgateError('INVALID_INPUT', `${path.join(dir, file)}: version number is too large`);
    }
    const name = m[2] as string;
    const role = m[3] as 'down' | 'verify' | undefined;
    if (role) {
      extras.push({ version, name, role, file });
      continue;
    }
    const existing = mains.get(version);
    if (existing) {
      throw new RollgateError(
        'INVALID_INPUT',
        `two migrations share version ${version}: ${existing.file} and ${file}; renumber one of them`,
      );
    }
    const base = await readSqlFile(dir, file);
    mains.set(version, { ...base, version, name, checksum: migrationChecksum(base.sql) });
  }
  for (const extra of extras) {
    const main = mains.get(extra.version);
    if (!main || main.name !== extra.name) {
      throw new RollgateError(
        'INVALID_INPUT',
        `${path.join(dir, extra.file)} has no matching ${String(extra.version).padStart(4, '0')}_${extra.name}.sql`,
      );
    }
    main[extra.role] = await readSqlFile(dir, extra.file);
  }
  return [...mains.values()].sort((a, b) => a.version - b.version);
}
