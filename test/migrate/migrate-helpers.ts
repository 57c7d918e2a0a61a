// Helpers for the migrate tests: a writable copy of a fixture directory (or files given inline),
// an event collector, and small queries against the test database.

import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const fixtures = fileURLToPath(new URL('../fixtures/migrations/', import.meta.url));

const made: string[] = [];

/** A fresh temp directory holding a copy of fixture `name` (if given) plus `files`. */
export async function migrationsDir(name?: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-migrate-'));
  made.push(dir);
  if (name) await cp(path.join(fixtures, name), dir, { recursive: true });
  for (const [file, sql] of Object.entries(files)) await writeFile(path.join(dir, file), sql);
  return dir;
}

export async function removeDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export interface Collected {
  events: Array<{ kind: string; data: Record<string, unknown> }>;
  lines: string[];
  onEvent: (kind: string, data: Record<string, unknown>) => void;
  log: (line: string) => void;
  of(kind: string): Array<Record<string, unknown>>;
}

export function collector(): Collected {
  const c: Collected = {
    events: [],
    lines: [],
    onEvent: (kind, data) => {
      c.events.push({ kind, data });
    },
    log: (line) => {
      c.lines.push(line);
    },
    of: (kind) => c.events.filter((e) => e.kind === kind).map((e) => e.data),
  };
  return c;
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

export async function tables(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(
    url,
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

export async function historyVersions(url: string): Promise<Array<{ version: string; status: string }>> {
  return query(url, 'SELECT version::text, status FROM rollgate_migrations ORDER BY version');
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns the real CLI through tsx (like test/helpers/cli.ts, whose import.meta.resolve does not
 * run under vitest's module runner at the time of writing).
 */
export function spawnRollgate(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function rollgate(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return finished(spawnRollgate(args, env));
}
