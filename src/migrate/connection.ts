// Connections to the target database: one pg.Client per session (the lock has its own), named so
// operators can see Rollgate in pg_stat_activity, and URLs redacted before they reach any output.

import pg from 'pg';
import { RollgateError } from '../shared/errors.js';

/** The URL with its password replaced, safe for logs, events and reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid database URL>';
  }
}

export function databaseNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return 'database';
  }
}

export function requireDatabaseUrl(url: string | undefined): string {
  if (!url) {
    throw new RollgateError(
      'INVALID_INPUT',
      'no database given: pass --database postgres://user@host:5432/db or set DATABASE_URL',
    );
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('protocol');
  } catch {
    throw new RollgateError(
      'INVALID_INPUT',
      `database URL ${redactUrl(url)} is not a postgres:// URL (expected postgres://user@host:5432/db)`,
    );
  }
  return url;
}

export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  // why: an idle client whose server goes away emits 'error'; without a listener Node would crash
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new RollgateError(
      'MIGRATION_ERROR',
      `cannot connect to ${redactUrl(url)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return client;
}

export async function serverVersionNum(client: pg.Client): Promise<number> {
  const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Number(r.rows[0]?.v ?? 0);
}

export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (client) await client.end().catch(() => {});
}
