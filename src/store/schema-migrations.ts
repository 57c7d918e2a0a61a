// Rollgate's own schema, as ordered versioned migrations per dialect. The applied versions are
// recorded in `rollgate_schema_version`; each store's init() applies the missing ones inside one
// transaction under a write lock (SQLite: BEGIN IMMEDIATE, PostgreSQL: advisory lock), so calling
// it at every start, from several processes at once, is safe. Never edit a released migration:
// append a new version instead.

import { RollgateError } from '../shared/errors.js';

export interface SchemaMigration {
  version: number;
  description: string;
  statements: string[];
}

export const schemaVersionTable = `CREATE TABLE IF NOT EXISTS rollgate_schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export const sqliteMigrations: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'runs, step attempts, events, locks, releases',
    statements: [
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        environment TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL,
        plan_path TEXT NOT NULL,
        plan_text TEXT NOT NULL,
        inputs TEXT NOT NULL,
        user_name TEXT NOT NULL,
        owner TEXT,
        heartbeat_at INTEGER,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        reason TEXT
      )`,
      'CREATE INDEX runs_created ON runs (created_at DESC)',
      'CREATE INDEX runs_env_created ON runs (environment, created_at DESC)',
      'CREATE INDEX runs_status ON runs (status)',
      `CREATE TABLE step_attempts (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step_key TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        exit_code INTEGER,
        error TEXT,
        PRIMARY KEY (run_id, step_key, attempt)
      )`,
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        run_id TEXT,
        step_key TEXT,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      'CREATE INDEX events_run_id ON events (run_id, id)',
      `CREATE TABLE locks (
        environment TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        owner TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      `CREATE TABLE releases (
        environment TEXT NOT NULL,
        version TEXT NOT NULL,
        run_id TEXT,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (environment, version)
      )`,
    ],
  },
];

export const postgresMigrations: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'runs, step attempts, events, locks, releases',
    statements: [
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        app TEXT NOT NULL,
        environment TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL,
        plan_path TEXT NOT NULL,
        plan_text TEXT NOT NULL,
        inputs JSONB NOT NULL,
        user_name TEXT NOT NULL,
        owner TEXT,
        heartbeat_at BIGINT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        reason TEXT
      )`,
      'CREATE INDEX runs_created ON runs (created_at DESC, seq DESC)',
      'CREATE INDEX runs_env_created ON runs (environment, created_at DESC, seq DESC)',
      'CREATE INDEX runs_status ON runs (status)',
      `CREATE TABLE step_attempts (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step_key TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        exit_code INTEGER,
        error TEXT,
        PRIMARY KEY (run_id, step_key, attempt)
      )`,
      `CREATE TABLE events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time BIGINT NOT NULL,
        run_id TEXT,
        step_key TEXT,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        data JSONB NOT NULL
      )`,
      'CREATE INDEX events_run_id ON events (run_id, id)',
      `CREATE TABLE locks (
        environment TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        owner TEXT NOT NULL,
        acquired_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE TABLE releases (
        environment TEXT NOT NULL,
        version TEXT NOT NULL,
        run_id TEXT,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (environment, version)
      )`,
    ],
  },
];

/** The migrations still to apply given the highest applied version; refuses a newer database. */
export function pendingMigrations(
  all: readonly SchemaMigration[],
  appliedVersion: number,
  storeName: string,
): SchemaMigration[] {
  const latest = all.reduce((max, m) => Math.max(max, m.version), 0);
  if (appliedVersion > latest) {
    throw new RollgateError(
      'STORE_ERROR',
      `${storeName} has schema version ${appliedVersion}, but this Rollgate only knows up to version ${latest}; ` +
        'upgrade Rollgate (a newer release wrote this store).',
      { details: { appliedVersion, supportedVersion: latest } },
    );
  }
  return all.filter((m) => m.version > appliedVersion).sort((a, b) => a.version - b.version);
}
