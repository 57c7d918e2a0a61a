// Chooses and opens the Store: PostgreSQL when a database URL is given (ROLLGATE_DATABASE_URL),
// otherwise the SQLite file `${home}/state.db`. The returned store is initialised (schema applied).
// Failures become STORE_ERROR naming the store, never the password of the URL.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RollgateError } from '../shared/errors.js';
import { describeDatabaseUrl, scrubPassword } from './database-url.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface CreateStoreOptions {
  /** Rollgate's home directory ($ROLLGATE_HOME, default .rollgate); created if missing. */
  home: string;
  /** PostgreSQL URL; when set (non-empty) the store is PostgreSQL instead of SQLite. */
  databaseUrl?: string;
}

export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const url = options.databaseUrl?.trim();
  if (url !== undefined && url !== '') return openPostgres(url);
  return openSqlite(options.home);
}

async function openPostgres(url: string): Promise<Store> {
  const label = describeDatabaseUrl(url);
  let store: PostgresStore;
  try {
    store = new PostgresStore({ url });
  } catch (cause) {
    const detail = scrubPassword(cause instanceof Error ? cause.message : String(cause), url);
    throw new RollgateError(
      'STORE_ERROR',
      `Cannot use the PostgreSQL store ${label}: ${detail}. Check ROLLGATE_DATABASE_URL.`,
      { cause },
    );
  }
  try {
    await store.init();
  } catch (cause) {
    await store.close().catch(() => {});
    if (cause instanceof RollgateError && driverReason(cause) === undefined) throw cause;
    const detail = driverReason(cause) ?? scrubPassword(String(cause), url);
    throw new RollgateError(
      'STORE_ERROR',
      `Cannot open the PostgreSQL store ${label}: ${detail}. Check that the server is reachable and ROLLGATE_DATABASE_URL is right.`,
      { cause, details: { store: label } },
    );
  }
  return store;
}

async function openSqlite(home: string): Promise<Store> {
  const path = join(home, 'state.db');
  try {
    mkdirSync(home, { recursive: true });
  } catch (cause) {
    throw new RollgateError(
      'STORE_ERROR',
      `Cannot create the Rollgate home directory ${home} for the SQLite store: ${(cause as Error).message}`,
      { cause },
    );
  }
  let store: SqliteStore | undefined;
  try {
    store = new SqliteStore({ path });
    await store.init();
    return store;
  } catch (cause) {
    await store?.close().catch(() => {});
    if (cause instanceof RollgateError && driverReason(cause) === undefined) throw cause;
    const detail = driverReason(cause) ?? String(cause);
    throw new RollgateError(
      'STORE_ERROR',
      `Cannot open the SQLite store ${path}: ${detail}. Check that it is a Rollgate state file you can write, or set ROLLGATE_HOME to another directory.`,
      { cause, details: { store: path } },
    );
  }
}

/** The database's own words for a failure, as recorded by the stores' error wrappers. */
function driverReason(e: unknown): string | undefined {
  if (e instanceof RollgateError) {
    const reason = e.details?.reason;
    return typeof reason === 'string' ? reason : undefined;
  }
  return e instanceof Error ? e.message : undefined;
}
