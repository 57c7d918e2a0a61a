// A temporary project folder with a plan and its own ROLLGATE_HOME, against SQLite or a fresh
// PostgreSQL database, for tests that run the real CLI.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { type CliOptions, type CliResult, runCli, spawnCli } from './cli.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface Workspace {
  dir: string;
  home: string;
  env: Record<string, string>;
  writePlan(yaml: string): void;
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
  spawn(args: string[], options?: CliOptions): ReturnType<typeof spawnCli>;
  store(): Promise<Store>;
  dispose(): Promise<void>;
}

export async function createWorkspace(kind: StoreKind): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-test-'));
  const home = join(dir, '.rollgate');
  let db: TestDatabase | undefined;
  if (kind === 'postgres') db = await createTestDatabase('rg_engine');
  const env: Record<string, string> = {
    ROLLGATE_HOME: home,
    ROLLGATE_USER: 'tester',
    ROLLGATE_RETRY_BASE_MS: '50',
  };
  if (db) env.ROLLGATE_DATABASE_URL = db.url;
  const stores: Store[] = [];
  return {
    dir,
    home,
    env,
    writePlan: (yaml) => writeFileSync(join(dir, 'rollgate.yaml'), yaml),
    cli: (args, options = {}) => runCli(args, { cwd: dir, ...options, env: { ...env, ...options.env } }),
    spawn: (args, options = {}) => spawnCli(args, { cwd: dir, ...options, env: { ...env, ...options.env } }),
    async store() {
      const s = await createStore({ home, databaseUrl: db?.url });
      stores.push(s);
      return s;
    },
    async dispose() {
      for (const s of stores) await s.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `attempts`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  attempts = 300,
  everyMs = 100,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** True when a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
