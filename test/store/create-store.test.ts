// createStore picks SQLite under the home directory or PostgreSQL from a URL, returns an
// initialised store, and turns failures into STORE_ERROR messages that never show the password.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/shared/errors.js';
import { createStore } from '../../src/store/create-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';

const dir = mkdtempSync(join(tmpdir(), 'rg-create-store-'));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('rg_create_store');
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

async function failure(p: Promise<unknown>): Promise<RollgateError> {
  const err = await p.then(
    (s) => {
      void (s as { close(): Promise<void> }).close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RollgateError);
  expect((err as RollgateError).code).toBe('STORE_ERROR');
  return err as RollgateError;
}

/** A port on which nothing listens: bind an ephemeral port, then free it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('createStore', () => {
  it('opens SQLite at <home>/state.db, creating the home directory, ready to use', async () => {
    const home = join(dir, 'nested', '.rollgate');
    const store = await createStore({ home });
    try {
      expect(store).toBeInstanceOf(SqliteStore);
      expect(existsSync(join(home, 'state.db'))).toBe(true);
      expect(await store.listRuns()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('treats an empty database URL as unset', async () => {
    const store = await createStore({ home: join(dir, 'empty-url'), databaseUrl: '' });
    await store.close();
    expect(store).toBeInstanceOf(SqliteStore);
  });

  it('opens PostgreSQL when a database URL is given', async () => {
    const store = await createStore({ home: join(dir, 'unused'), databaseUrl: db.url });
    try {
      expect(store).toBeInstanceOf(PostgresStore);
      expect(await store.listRuns()).toEqual([]);
      expect(existsSync(join(dir, 'unused', 'state.db'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('names an unreachable PostgreSQL server without showing the password', async () => {
    const port = await closedPort();
    const err = await failure(
      createStore({ home: dir, databaseUrl: `postgres://deployer:s3cret-pw@127.0.0.1:${port}/rollgate` }),
    );
    expect(err.message).toContain(`127.0.0.1:${port}/rollgate`);
    expect(err.message).toContain('deployer');
    expect(err.message).toContain('ROLLGATE_DATABASE_URL');
    expect(err.message).not.toContain('s3cret-pw');
  });

  it('names a missing PostgreSQL database', async () => {
    const u = new URL(db.url);
    u.pathname = '/rg_no_such_database';
    u.password = 'hunter2';
    const err = await failure(createStore({ home: dir, databaseUrl: u.toString() }));
    expect(err.message).toContain('rg_no_such_database');
    expect(err.message).not.toContain('hunter2');
  });

  it('rejects an unparseable URL without echoing it', async () => {
    const err = await failure(createStore({ home: dir, databaseUrl: 'postgres://me:pa ss@@:not-a-port/x' }));
    expect(err.message).not.toContain('pa ss');
  });

  it('names the SQLite file when it is not a database', async () => {
    const home = join(dir, 'garbage');
    await createStore({ home }).then((s) => s.close());
    writeFileSync(join(home, 'state.db'), 'this is not sqlite '.repeat(100));
    rmSync(join(home, 'state.db-wal'), { force: true });
    rmSync(join(home, 'state.db-shm'), { force: true });
    const err = await failure(createStore({ home }));
    expect(err.message).toContain(join(home, 'state.db'));
  });

  it('explains when the home directory cannot be created', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const err = await failure(createStore({ home: join(file, 'home') }));
    expect(err.message).toContain(join(file, 'home'));
  });
});
