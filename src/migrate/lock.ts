// The migration lock: a session-level advisory lock held by a dedicated connection for the whole run.
// Never a transaction-level lock: a transaction held open for the lock makes CREATE INDEX
// CONCURRENTLY on another session wait for it forever (Flyway #1654, #3682). Because it belongs to a
// session, a runner that is killed releases it the moment its connection closes.

import type pg from 'pg';
import { RollgateError } from '../shared/errors.js';
import { closeQuietly, connect } from './connection.js';

/** pg_advisory_lock(int4, int4) keys: "ROLL", "MIGR". Advisory locks are per database. */
export const lockKeys = [0x524f4c4c, 0x4d494752] as const;

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  backendStart: string | null;
}

export interface MigrationLock {
  /** The lock session, also used to cancel a statement of the migration session. */
  readonly client: pg.Client;
  readonly waitedMs: number;
  /** Throws when the lock connection was lost, since another runner could then take the lock. */
  assertHeld(): void;
  release(): Promise<void>;
}

export async function findLockHolder(client: pg.Client): Promise<LockHolder | undefined> {
  const r = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    backend_start: Date | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [lockKeys[0], lockKeys[1]],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    pid: row.pid,
    applicationName: row.application_name,
    clientAddr: row.client_addr,
    backendStart: row.backend_start ? row.backend_start.toISOString() : null,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Takes the lock, polling pg_try_advisory_lock until timeoutMs. A timeout is a RollgateError LOCKED
 * naming the session that holds the lock.
 */
export async function acquireMigrationLock(options: {
  databaseUrl: string;
  timeoutMs: number;
  applicationName: string;
  signal?: AbortSignal;
}): Promise<MigrationLock> {
  const client = await connect(options.databaseUrl, options.applicationName);
  let lost: Error | undefined;
  client.on('error', (err) => {
    lost = err;
  });
  client.on('end', () => {
    lost ??= new Error('connection ended');
  });
  const started = Date.now();
  let delay = 25;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        throw new RollgateError('CANCELLED', 'cancelled while waiting for the migration lock');
      }
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        ...lockKeys,
      ]);
      if (r.rows[0]?.ok) break;
      const waited = Date.now() - started;
      if (waited >= options.timeoutMs) {
        const holder = await findLockHolder(client).catch(() => undefined);
        const who = holder
          ? `held by backend pid ${holder.pid} (${holder.applicationName || 'no application name'}${holder.clientAddr ? ` from ${holder.clientAddr}` : ''}, connected ${holder.backendStart ?? 'at an unknown time'})`
          : 'held by another session';
        throw new RollgateError(
          'LOCKED',
          `the migration lock is ${who}; another migration is running. Waited ${waited} ms (--lock-timeout). If that session is stuck, end it with SELECT pg_terminate_backend(${holder?.pid ?? 'PID'}) and the lock goes with it`,
          { details: { holder } },
        );
      }
      await sleep(Math.min(delay, options.timeoutMs - waited), options.signal);
      delay = Math.min(delay * 2, 250);
    }
  } catch (err) {
    await closeQuietly(client);
    throw err;
  }
  const waitedMs = Date.now() - started;
  let released = false;
  return {
    client,
    waitedMs,
    assertHeld() {
      if (lost) {
        throw new RollgateError(
          'MIGRATION_ERROR',
          `lost the connection that holds the migration lock (${lost.message}); stopped so two runners never migrate at once`,
        );
      }
    },
    async release() {
      if (released) return;
      released = true;
      if (!lost) await client.query('SELECT pg_advisory_unlock($1, $2)', [...lockKeys]).catch(() => {});
      await closeQuietly(client);
    },
  };
}
