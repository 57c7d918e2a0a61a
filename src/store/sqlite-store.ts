// The default Store: one SQLite file ($ROLLGATE_HOME/state.db) through better-sqlite3. WAL mode and
// a busy timeout let a deploy and a second process (`rollgate approve`, `status`) share the file;
// every read-then-write runs in BEGIN IMMEDIATE so it holds the write lock from its first read.
// Statements are prepared once: the engine budget is ~2 ms per step for ~4 writes.

import Database from 'better-sqlite3';
import { RollgateError } from '../shared/errors.js';
import {
  decideLock,
  type EventRow,
  eventFromRow,
  type LockRow,
  lockFromRow,
  type ReleaseRow,
  type RunRow,
  releaseFromRow,
  runFromRow,
  runPatchColumns,
  type StepAttemptRow,
  stepAttemptFromRow,
} from './row-mapping.js';
import { pendingMigrations, schemaVersionTable, sqliteMigrations } from './schema-migrations.js';
import type {
  EventFilter,
  EventRecord,
  LockHolder,
  LockRecord,
  LockResult,
  NewEvent,
  NewRun,
  ReleaseRecord,
  RunFilter,
  RunPatch,
  RunRecord,
  StepAttemptRecord,
  StepStatus,
  Store,
} from './store.js';
import { duplicateAttempt, notFound } from './store-errors.js';

export interface SqliteStoreOptions {
  /** Path of the database file; created if missing (its directory must exist). */
  path: string;
  /** How long a writer waits for another process's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

type Statement = Database.Statement;

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Statement>();

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      this.db = new Database(options.path, { timeout: busyTimeoutMs });
      this.db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
    } catch (cause) {
      throw this.storeError('open', cause);
    }
  }

  async init(): Promise<void> {
    this.guard('apply schema migrations', () => {
      const apply = this.db.transaction(() => {
        this.db.exec(schemaVersionTable);
        const row = this.db.prepare('SELECT MAX(version) AS v FROM rollgate_schema_version').get() as {
          v: number | null;
        };
        const todo = pendingMigrations(sqliteMigrations, row.v ?? 0, `The SQLite store ${this.path}`);
        const record = this.db.prepare(
          'INSERT INTO rollgate_schema_version (version, description, applied_at) VALUES (?, ?, ?)',
        );
        for (const m of todo) {
          for (const sql of m.statements) this.db.exec(sql);
          record.run(m.version, m.description, Date.now());
        }
      });
      apply.immediate();
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const record: RunRecord = {
      ...run,
      status: 'pending',
      heartbeatAt: null,
      startedAt: null,
      finishedAt: null,
      reason: null,
    };
    this.guard('create run', () =>
      this.stmt(
        `INSERT INTO runs (id, app, environment, version, status, plan_path, plan_text, inputs, user_name,
           owner, heartbeat_at, created_at, started_at, finished_at, reason)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL)`,
      ).run(
        run.id,
        run.app,
        run.environment,
        run.version,
        run.planPath,
        run.planText,
        JSON.stringify(run.inputs),
        run.user,
        run.owner,
        run.createdAt,
      ),
    );
    return record;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.guard('read run', () => this.stmt('SELECT * FROM runs WHERE id = ?').get(id)) as
      | RunRow
      | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  async updateRun(id: string, patch: RunPatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of runPatchColumns) {
      if (patch[key] !== undefined) {
        sets.push(`${column} = ?`);
        values.push(patch[key]);
      }
    }
    if (sets.length === 0) {
      if ((await this.getRun(id)) === undefined) throw notFound('run', id);
      return;
    }
    const info = this.guard('update run', () =>
      this.stmt(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id),
    );
    if (info.changes === 0) throw notFound('run', id);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.environment !== undefined) {
      where.push('environment = ?');
      values.push(filter.environment);
    }
    if (filter.statuses !== undefined) {
      if (filter.statuses.length === 0) return [];
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      values.push(...filter.statuses);
    }
    values.push(filter.limit ?? 50);
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    const rows = this.guard('list runs', () => this.stmt(sql).all(...values)) as RunRow[];
    return rows.map(runFromRow);
  }

  async startStepAttempt(
    a: Omit<StepAttemptRecord, 'finishedAt' | 'exitCode' | 'error' | 'status'>,
  ): Promise<void> {
    try {
      this.stmt(
        `INSERT INTO step_attempts (run_id, step_key, attempt, status, started_at)
         VALUES (?, ?, ?, 'running', ?)`,
      ).run(a.runId, a.stepKey, a.attempt, a.startedAt);
    } catch (cause) {
      if (isConstraint(cause, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw duplicateAttempt(a, cause);
      if (isConstraint(cause, 'SQLITE_CONSTRAINT_FOREIGNKEY')) throw notFound('run', a.runId);
      throw this.storeError('start step attempt', cause);
    }
  }

  async finishStepAttempt(
    runId: string,
    stepKey: string,
    attempt: number,
    result: { status: StepStatus; finishedAt: number; exitCode?: number | null; error?: string | null },
  ): Promise<void> {
    const info = this.guard('finish step attempt', () =>
      this.stmt(
        `UPDATE step_attempts SET status = ?, finished_at = ?, exit_code = ?, error = ?
         WHERE run_id = ? AND step_key = ? AND attempt = ?`,
      ).run(
        result.status,
        result.finishedAt,
        result.exitCode ?? null,
        result.error ?? null,
        runId,
        stepKey,
        attempt,
      ),
    );
    if (info.changes === 0) throw notFound('step attempt', `${runId} ${stepKey}#${attempt}`);
  }

  async listStepAttempts(runId: string): Promise<StepAttemptRecord[]> {
    const rows = this.guard('list step attempts', () =>
      this.stmt('SELECT * FROM step_attempts WHERE run_id = ? ORDER BY started_at, step_key, attempt').all(
        runId,
      ),
    ) as StepAttemptRow[];
    return rows.map(stepAttemptFromRow);
  }

  async appendEvent(event: NewEvent): Promise<EventRecord> {
    const info = this.guard('append event', () =>
      this.stmt(
        'INSERT INTO events (time, run_id, step_key, kind, source, data) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(event.time, event.runId, event.stepKey, event.kind, event.source, JSON.stringify(event.data)),
    );
    return { ...event, id: Number(info.lastInsertRowid) };
  }

  async listEvents(runId: string, filter: EventFilter = {}): Promise<EventRecord[]> {
    const where = ['run_id = ?'];
    const values: unknown[] = [runId];
    if (filter.afterId !== undefined) {
      where.push('id > ?');
      values.push(filter.afterId);
    }
    if (filter.kinds !== undefined) {
      if (filter.kinds.length === 0) return [];
      where.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`);
      values.push(...filter.kinds);
    }
    if (filter.stepKey !== undefined) {
      where.push('step_key = ?');
      values.push(filter.stepKey);
    }
    values.push(filter.limit ?? -1);
    const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`;
    const rows = this.guard('list events', () => this.stmt(sql).all(...values)) as EventRow[];
    return rows.map(eventFromRow);
  }

  async acquireLock(
    environment: string,
    holder: LockHolder,
    ttlMs: number,
    now: number,
  ): Promise<LockResult> {
    const expiresAt = now + ttlMs;
    const acquire = this.db.transaction((): LockResult => {
      const row = this.stmt('SELECT * FROM locks WHERE environment = ?').get(environment) as
        | LockRow
        | undefined;
      const decision = decideLock(row === undefined ? undefined : lockFromRow(row), holder.runId, now);
      if (decision.kind === 'refuse') return { acquired: false, holder: decision.holder };
      const acquiredAt = decision.kind === 'renew' ? decision.previous.acquiredAt : now;
      this.stmt(
        `INSERT INTO locks (environment, run_id, user_name, owner, acquired_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (environment) DO UPDATE SET run_id = excluded.run_id, user_name = excluded.user_name,
           owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      ).run(environment, holder.runId, holder.user, holder.owner, acquiredAt, expiresAt);
      const lock: LockRecord = { environment, ...pickHolder(holder), acquiredAt, expiresAt };
      return decision.kind === 'take-over'
        ? { acquired: true, lock, tookOverFrom: decision.previous }
        : { acquired: true, lock };
    });
    return this.guard('acquire lock', () => acquire.immediate());
  }

  async renewLock(environment: string, runId: string, ttlMs: number, now: number): Promise<boolean> {
    const info = this.guard('renew lock', () =>
      this.stmt('UPDATE locks SET expires_at = ? WHERE environment = ? AND run_id = ?').run(
        now + ttlMs,
        environment,
        runId,
      ),
    );
    return info.changes > 0;
  }

  async releaseLock(environment: string, runId: string): Promise<void> {
    this.guard('release lock', () =>
      this.stmt('DELETE FROM locks WHERE environment = ? AND run_id = ?').run(environment, runId),
    );
  }

  async getLock(environment: string): Promise<LockRecord | undefined> {
    const row = this.guard('read lock', () =>
      this.stmt('SELECT * FROM locks WHERE environment = ?').get(environment),
    ) as LockRow | undefined;
    return row === undefined ? undefined : lockFromRow(row);
  }

  async upsertRelease(release: ReleaseRecord): Promise<void> {
    this.guard('save release', () =>
      this.stmt(
        `INSERT INTO releases (environment, version, run_id, state, created_at, updated_at, data)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (environment, version) DO UPDATE SET run_id = excluded.run_id, state = excluded.state,
           updated_at = excluded.updated_at, data = excluded.data`,
      ).run(
        release.environment,
        release.version,
        release.runId,
        release.state,
        release.createdAt,
        release.updatedAt,
        JSON.stringify(release.data),
      ),
    );
  }

  async listReleases(environment: string): Promise<ReleaseRecord[]> {
    const rows = this.guard('list releases', () =>
      this.stmt('SELECT * FROM releases WHERE environment = ? ORDER BY created_at DESC, rowid DESC').all(
        environment,
      ),
    ) as ReleaseRow[];
    return rows.map(releaseFromRow);
  }

  /** Prepares each distinct SQL text once per connection. */
  private stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private guard<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof RollgateError) throw cause;
      throw this.storeError(operation, cause);
    }
  }

  private storeError(operation: string, cause: unknown): RollgateError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const hint = /locked|busy/i.test(detail)
      ? ' (another Rollgate process kept the file busy longer than the busy timeout; retry)'
      : '';
    return new RollgateError(
      'STORE_ERROR',
      `SQLite store ${this.path}: ${operation} failed: ${detail}${hint}`,
      { cause, details: { store: this.path, operation, reason: `${detail}${hint}` } },
    );
  }
}

function pickHolder(h: LockHolder): LockHolder {
  return { runId: h.runId, user: h.user, owner: h.owner };
}

function isConstraint(e: unknown, code: string): boolean {
  return e instanceof Error && (e as Error & { code?: unknown }).code === code;
}
