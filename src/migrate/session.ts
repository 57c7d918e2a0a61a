// A migration session: the migration lock (its own connection) plus the connection that runs the
// migrations. The migration connection asks the server to check for a vanished client during long
// statements (PostgreSQL 14+), so a killed runner's half-done transaction is rolled back promptly
// instead of holding its locks until the statement ends.

import type pg from 'pg';
import { closeQuietly, connect, serverVersionNum } from './connection.js';
import { ensureHistoryTable } from './history.js';
import { acquireMigrationLock, lockKeys, type MigrationLock } from './lock.js';
import { applicationName, defaultLockTimeoutMs, emit, type MigrateRunOptions } from './options.js';

export interface MigrationSession {
  client: pg.Client;
  lock: MigrationLock;
  serverVersionNum: number;
  /** Undoes session settings a file may have changed (search_path, lock_timeout…) before the next file. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function sessionSettings(client: pg.Client, version: number): Promise<void> {
  if (version >= 140000) await client.query("SET client_connection_check_interval = '1s'");
}

export async function openSession(options: MigrateRunOptions, action: string): Promise<MigrationSession> {
  const name = applicationName(action, options.runId);
  const lock = await acquireMigrationLock({
    databaseUrl: options.databaseUrl,
    timeoutMs: options.lockTimeoutMs ?? defaultLockTimeoutMs,
    applicationName: `${name} (lock)`.slice(0, 63),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let client: pg.Client | undefined;
  try {
    await emit(options, 'migrate.lock', {
      acquired: true,
      waitedMs: lock.waitedMs,
      keys: [...lockKeys],
      scope: 'session',
    });
    options.log?.(`migration lock acquired (session-level advisory lock, waited ${lock.waitedMs} ms)`);
    client = await connect(options.databaseUrl, name);
    const version = await serverVersionNum(client);
    await sessionSettings(client, version);
    await ensureHistoryTable(client);
    const c = client;
    return {
      client: c,
      lock,
      serverVersionNum: version,
      async reset() {
        await c.query('RESET ALL');
        await sessionSettings(c, version);
      },
      async close() {
        await closeQuietly(c);
        await lock.release();
        // why: close runs in finally blocks; a failing event sink must not hide the original error
        await Promise.resolve(emit(options, 'migrate.lock', { acquired: false, released: true })).catch(
          () => {},
        );
      },
    };
  } catch (err) {
    await closeQuietly(client);
    await lock.release();
    throw err;
  }
}
