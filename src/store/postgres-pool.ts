// The PostgreSQL connection pool of the store and its two ways to run SQL: one query, or a
// transaction that rolls back on failure. Failures become STORE_ERROR naming the store and the
// operation, never the password of the URL. int8 columns are parsed to JS numbers per pool (epoch
// ms and event ids stay far below 2^53), so other users of `pg` in the process are unaffected.

import pg from 'pg';
import { RollgateError } from '../shared/errors.js';
import { describeDatabaseUrl, scrubPassword } from './database-url.js';

const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export class PostgresPool {
  readonly label: string;
  readonly url: string;
  readonly pool: pg.Pool;

  constructor(url: string, maxConnections: number) {
    this.url = url;
    this.label = describeDatabaseUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: maxConnections, types });
    // why: an idle client losing its connection emits 'error' on the pool; unhandled it would kill
    // the process. The next query reports the problem as a STORE_ERROR instead.
    this.pool.on('error', () => {});
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    operation: string,
    sql: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, values);
    } catch (cause) {
      throw this.storeError(operation, cause);
    }
  }

  async transaction<T>(operation: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (cause) {
      throw this.storeError(operation, cause);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (cause) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if (cause instanceof RollgateError) throw cause;
      throw this.storeError(operation, cause);
    } finally {
      client.release(broken);
    }
  }

  storeError(operation: string, cause: unknown): RollgateError {
    const raw =
      cause instanceof Error ? cause.message || String((cause as { code?: unknown }).code) : String(cause);
    const detail = scrubPassword(raw, this.url);
    return new RollgateError(
      'STORE_ERROR',
      `PostgreSQL store ${this.label}: ${operation} failed: ${detail}`,
      { cause, details: { store: this.label, operation, reason: detail } },
    );
  }
}
