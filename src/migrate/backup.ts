// Backups before migrating: pg_dump -Fc into $ROLLGATE_HOME/backups/, then verified with
// pg_restore --list; the size and sha256 go into a sidecar <file>.json and into the events.
// Restore checks that sidecar before touching any database.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RollgateError } from '../shared/errors.js';
import { closeQuietly, connect, databaseNameOf, redactUrl } from './connection.js';

export interface BackupEvidence {
  file: string;
  database: string;
  sizeBytes: number;
  sha256: string;
  /** Entries listed by pg_restore --list: proof the archive is readable. */
  tocEntries: number;
  durationMs: number;
  createdAt: string;
}

interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Runs a PostgreSQL client tool; the password goes through PGPASSWORD, never argv. */
function runTool(
  tool: string,
  args: string[],
  databaseUrl: string | undefined,
  signal?: AbortSignal,
): Promise<ToolResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  const finalArgs = [...args];
  if (databaseUrl) {
    const u = new URL(databaseUrl);
    if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
    finalArgs.push('--dbname', u.toString());
  }
  return new Promise((resolve, reject) => {
    const child = spawn(tool, finalArgs, { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(
          new RollgateError(
            'MIGRATION_ERROR',
            `${tool} is not installed or not on PATH; install the PostgreSQL client tools (e.g. apt-get install postgresql-client)`,
            { cause: err },
          ),
        );
      } else if (code === 'ABORT_ERR') {
        reject(new RollgateError('CANCELLED', `${tool} was cancelled`, { cause: err }));
      } else
        reject(
          new RollgateError('MIGRATION_ERROR', `${tool} failed to start: ${err.message}`, { cause: err }),
        );
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else {
        reject(
          new RollgateError(
            'MIGRATION_ERROR',
            `${tool} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`,
          ),
        );
      }
    });
  });
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Number of archive entries pg_restore can list; throws when the archive is unreadable. */
export async function listBackup(file: string): Promise<number> {
  const r = await runTool('pg_restore', ['--list', file], undefined);
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';')).length;
}

export async function takeBackup(options: {
  databaseUrl: string;
  home: string;
  label?: string;
  signal?: AbortSignal;
}): Promise<BackupEvidence> {
  const started = Date.now();
  const dir = path.join(options.home, 'backups');
  await mkdir(dir, { recursive: true });
  const db = databaseNameOf(options.databaseUrl).replace(/[^\w.-]/g, '_');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const label = options.label ? `-${options.label.replace(/[^\w.-]/g, '_')}` : '';
  const file = path.join(dir, `${db}-${stamp}${label}.dump`);
  await runTool('pg_dump', ['--format=custom', '--file', file], options.databaseUrl, options.signal);
  let tocEntries: number;
  try {
    tocEntries = await listBackup(file);
  } catch (err) {
    throw new RollgateError(
      'MIGRATION_ERROR',
      `backup ${file} was written but pg_restore --list cannot read it; no migration was run`,
      { cause: err },
    );
  }
  const evidence: BackupEvidence = {
    file,
    database: redactUrl(options.databaseUrl),
    sizeBytes: (await stat(file)).size,
    sha256: await sha256File(file),
    tocEntries,
    durationMs: Date.now() - started,
    createdAt: new Date().toISOString(),
  };
  await writeFile(`${file}.json`, `${JSON.stringify(evidence, null, 2)}\n`);
  return evidence;
}

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

export interface RestoreResult {
  backup: string;
  database: string;
  created: boolean;
  sha256: string;
  durationMs: number;
}

/**
 * Restores a backup. With `into`, creates that database on the same server and restores there
 * (the original is untouched); without it, restores over databaseUrl in one transaction
 * (pg_restore --clean --if-exists --single-transaction).
 */
export async function restoreBackup(options: {
  backupFile: string;
  databaseUrl: string;
  into?: string;
  signal?: AbortSignal;
}): Promise<RestoreResult> {
  const started = Date.now();
  try {
    await stat(options.backupFile);
  } catch (err) {
    throw new RollgateError('NOT_FOUND', `backup ${options.backupFile} does not exist`, { cause: err });
  }
  const sha256 = await sha256File(options.backupFile);
  const sidecar = await readFile(`${options.backupFile}.json`, 'utf8').then(
    (t) => JSON.parse(t) as Partial<BackupEvidence>,
    () => undefined,
  );
  if (sidecar?.sha256 && sidecar.sha256 !== sha256) {
    throw new RollgateError(
      'MIGRATION_ERROR',
      `backup ${options.backupFile} has sha256 ${sha256} but ${sidecar.sha256} was recorded when it was taken; the file changed, refusing to restore it`,
    );
  }
  await listBackup(options.backupFile);
  let target = options.databaseUrl;
  let created = false;
  if (options.into !== undefined) {
    if (!identifierPattern.test(options.into)) {
      throw new RollgateError(
        'INVALID_INPUT',
        `--into ${JSON.stringify(options.into)} is not a plain database name (letters, digits, _ and -, up to 63)`,
      );
    }
    const admin = await connect(options.databaseUrl, 'rollgate migrate restore');
    try {
      await admin.query(`CREATE DATABASE "${options.into}" TEMPLATE template0`);
      created = true;
    } catch (err) {
      throw new RollgateError(
        (err as { code?: string }).code === '42P04' ? 'INVALID_INPUT' : 'MIGRATION_ERROR',
        `cannot create database ${options.into}: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      await closeQuietly(admin);
    }
    const u = new URL(options.databaseUrl);
    u.pathname = `/${options.into}`;
    target = u.toString();
    await runTool(
      'pg_restore',
      ['--no-owner', '--exit-on-error', options.backupFile],
      target,
      options.signal,
    );
  } else {
    await runTool(
      'pg_restore',
      ['--no-owner', '--exit-on-error', '--clean', '--if-exists', '--single-transaction', options.backupFile],
      target,
      options.signal,
    );
  }
  return {
    backup: options.backupFile,
    database: redactUrl(target),
    created,
    sha256,
    durationMs: Date.now() - started,
  };
}
