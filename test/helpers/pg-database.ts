// A fresh PostgreSQL database per test file: created from a template and dropped afterwards.
// Uses the real server at 127.0.0.1:5432 (trust auth) unless ROLLGATE_TEST_PG_URL points elsewhere.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const adminUrl = process.env.ROLLGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty database (from template0) and returns its URL; call drop() in afterAll. */
export async function createTestDatabase(prefix = 'rg_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlFor(name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
