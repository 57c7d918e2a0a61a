// The shared Store for servers and teams: PostgreSQL (ROLLGATE_DATABASE_URL) through the pool in
// postgres-pool.ts. Locks are taken with INSERT .. ON CONFLICT DO NOTHING then SELECT .. FOR UPDATE
// in one transaction, so concurrent acquirers serialise.

import { RollgateError } from '../shared/errors.js';
import { PostgresPool } from './postgres-pool.js';
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
import { pendingMigrations, postgresMigrations, schemaVersionTable } from './schema-migrations.js';
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

export interface PostgresStoreOptions {
  url: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/** Advisory lock key serialising schema migrations across processes ("RGSM"). */
const SCHEMA_LOCK_KEY = 0x5247534d;
/** Advisory lock class for per-run event appends ("RGEV"), so ids become visible in id order. */
const EVENT_LOCK_CLASS = 0x52474556;

export class PostgresStore implements Store {
  readonly label: string;
  private readonly db: PostgresPool;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.db = new PostgresPool(options.url, options.maxConnections ?? 10);
    this.label = this.db.label;
  }

  async init(): Promise<void> {
    await this.db.transaction('apply schema migrations', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      await c.query(schemaVersionTable);
      const { rows } = await c.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM rollgate_schema_version',
      );
      const todo = pendingMigrations(
        postgresMigrations,
        rows[0]?.v ?? 0,
        `The PostgreSQL store ${this.label}`,
      );
      for (const m of todo) {
        for (const sql of m.statements) await c.query(sql);
        await c.query(
          'INSERT INTO rollgate_schema_version (version, description, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.description, Date.now()],
        );
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.pool.end();
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    await this.db.query(
      'create run',
      `INSERT INTO runs (id, app, environment, version, status, plan_path, plan_text, inputs, user_name, owner,
         created_at)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10)`,
      [
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
      ],
    );
    return { ...run, status: 'pending', heartbeatAt: null, startedAt: null, finishedAt: null, reason: null };
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const { rows } = await this.db.query<RunRow>('read run', 'SELECT * FROM runs WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : runFromRow(rows[0]);
  }

  async updateRun(id: string, patch: RunPatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of runPatchColumns) {
      if (patch[key] !== undefined) {
        values.push(patch[key]);
        sets.push(`${column} = $${values.length}`);
      }
    }
    if (sets.length === 0) {
      if ((await this.getRun(id)) === undefined) throw notFound('run', id);
      return;
    }
    values.push(id);
    const res = await this.db.query(
      'update run',
      `UPDATE runs SET ${sets.join(', ')} WHERE id = $${values.length}`,
      values,
    );
    if (res.rowCount === 0) throw notFound('run', id);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.environment !== undefined) {
      values.push(filter.environment);
      where.push(`environment = $${values.length}`);
    }
    if (filter.statuses !== undefined) {
      if (filter.statuses.length === 0) return [];
      values.push(filter.statuses);
      where.push(`status = ANY($${values.length}::text[])`);
    }
    values.push(filter.limit ?? 50);
    const { rows } = await this.db.query<RunRow>(
      'list runs',
      `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, seq DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(runFromRow);
  }

  async startStepAttempt(
    a: Omit<StepAttemptRecord, 'finishedAt' | 'exitCode' | 'error' | 'status'>,
  ): Promise<void> {
    try {
      await this.db.pool.query(
        `INSERT INTO step_attempts (run_id, step_key, attempt, status, started_at) VALUES ($1, $2, $3, 'running', $4)`,
        [a.runId, a.stepKey, a.attempt, a.startedAt],
      );
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      if (code === '23505') throw duplicateAttempt(a, cause);
      if (code === '23503') throw notFound('run', a.runId);
      throw this.db.storeError('start step attempt', cause);
    }
  }

  async finishStepAttempt(
    runId: string,
    stepKey: string,
    attempt: number,
    result: { status: StepStatus; finishedAt: number; exitCode?: number | null; error?: string | null },
  ): Promise<void> {
    const res = await this.db.query(
      'finish step attempt',
      `UPDATE step_attempts SET status = $1, finished_at = $2, exit_code = $3, error = $4
       WHERE run_id = $5 AND step_key = $6 AND attempt = $7`,
      [
        result.status,
        result.finishedAt,
        result.exitCode ?? null,
        result.error ?? null,
        runId,
        stepKey,
        attempt,
      ],
    );
    if (res.rowCount === 0) throw notFound('step attempt', `${runId} ${stepKey}#${attempt}`);
  }

  async listStepAttempts(runId: string): Promise<StepAttemptRecord[]> {
    const { rows } = await this.db.query<StepAttemptRow>(
      'list step attempts',
      'SELECT * FROM step_attempts WHERE run_id = $1 ORDER BY started_at, step_key, attempt',
      [runId],
    );
    return rows.map(stepAttemptFromRow);
  }

  async appendEvent(event: NewEvent): Promise<EventRecord> {
    // why: identity values are handed out before commit, so two concurrent appends could become
    // visible out of id order and a tailing reader (afterId) would skip one. A per-run advisory
    // lock held until commit makes ids of one run visible strictly in order, in one round trip.
    const { rows } = await this.db.query<{ id: number }>(
      'append event',
      `WITH serial AS (SELECT pg_advisory_xact_lock($1, hashtext(COALESCE($3::text, ''))))
       INSERT INTO events (time, run_id, step_key, kind, source, data)
       SELECT $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::jsonb FROM serial
       RETURNING id`,
      [
        EVENT_LOCK_CLASS,
        event.time,
        event.runId,
        event.stepKey,
        event.kind,
        event.source,
        JSON.stringify(event.data),
      ],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw this.db.storeError('append event', new Error('no id returned'));
    return { ...event, id };
  }

  async listEvents(runId: string, filter: EventFilter = {}): Promise<EventRecord[]> {
    const values: unknown[] = [runId];
    const where = ['run_id = $1'];
    if (filter.afterId !== undefined) {
      values.push(filter.afterId);
      where.push(`id > $${values.length}`);
    }
    if (filter.kinds !== undefined) {
      if (filter.kinds.length === 0) return [];
      values.push(filter.kinds);
      where.push(`kind = ANY($${values.length}::text[])`);
    }
    if (filter.stepKey !== undefined) {
      values.push(filter.stepKey);
      where.push(`step_key = $${values.length}`);
    }
    let limit = '';
    if (filter.limit !== undefined) {
      values.push(filter.limit);
      limit = `LIMIT $${values.length}`;
    }
    const { rows } = await this.db.query<EventRow>(
      'list events',
      `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id ${limit}`,
      values,
    );
    return rows.map(eventFromRow);
  }

  async acquireLock(
    environment: string,
    holder: LockHolder,
    ttlMs: number,
    now: number,
  ): Promise<LockResult> {
    const expiresAt = now + ttlMs;
    return this.db.transaction('acquire lock', async (c) => {
      // why: a row deleted (released) between our two statements means the lock became free; retry.
      for (let attempt = 0; attempt < 10; attempt++) {
        const inserted = await c.query<LockRow>(
          `INSERT INTO locks (environment, run_id, user_name, owner, acquired_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (environment) DO NOTHING RETURNING *`,
          [environment, holder.runId, holder.user, holder.owner, now, expiresAt],
        );
        if (inserted.rows[0] !== undefined) return { acquired: true, lock: lockFromRow(inserted.rows[0]) };
        const current = await c.query<LockRow>('SELECT * FROM locks WHERE environment = $1 FOR UPDATE', [
          environment,
        ]);
        if (current.rows[0] === undefined) continue;
        const decision = decideLock(lockFromRow(current.rows[0]), holder.runId, now);
        if (decision.kind === 'refuse') return { acquired: false, holder: decision.holder };
        if (decision.kind === 'insert') continue;
        const acquiredAt = decision.kind === 'renew' ? decision.previous.acquiredAt : now;
        const updated = await c.query<LockRow>(
          `UPDATE locks SET run_id = $2, user_name = $3, owner = $4, acquired_at = $5, expires_at = $6
           WHERE environment = $1 RETURNING *`,
          [environment, holder.runId, holder.user, holder.owner, acquiredAt, expiresAt],
        );
        const lock = lockFromRow(updated.rows[0] as LockRow);
        return decision.kind === 'take-over'
          ? { acquired: true, lock, tookOverFrom: decision.previous }
          : { acquired: true, lock };
      }
      throw new RollgateError(
        'STORE_ERROR',
        `The lock of environment ${environment} changed hands too often while acquiring it; retry.`,
      );
    });
  }

  async renewLock(environment: string, runId: string, ttlMs: number, now: number): Promise<boolean> {
    const res = await this.db.query(
      'renew lock',
      'UPDATE locks SET expires_at = $3 WHERE environment = $1 AND run_id = $2',
      [environment, runId, now + ttlMs],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async releaseLock(environment: string, runId: string): Promise<void> {
    await this.db.query('release lock', 'DELETE FROM locks WHERE environment = $1 AND run_id = $2', [
      environment,
      runId,
    ]);
  }

  async getLock(environment: string): Promise<LockRecord | undefined> {
    const { rows } = await this.db.query<LockRow>('read lock', 'SELECT * FROM locks WHERE environment = $1', [
      environment,
    ]);
    return rows[0] === undefined ? undefined : lockFromRow(rows[0]);
  }

  async upsertRelease(release: ReleaseRecord): Promise<void> {
    await this.db.query(
      'save release',
      `INSERT INTO releases (environment, version, run_id, state, created_at, updated_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (environment, version) DO UPDATE SET run_id = excluded.run_id, state = excluded.state,
         updated_at = excluded.updated_at, data = excluded.data`,
      [
        release.environment,
        release.version,
        release.runId,
        release.state,
        release.createdAt,
        release.updatedAt,
        JSON.stringify(release.data),
      ],
    );
  }

  async listReleases(environment: string): Promise<ReleaseRecord[]> {
    const { rows } = await this.db.query<ReleaseRow>(
      'list releases',
      'SELECT * FROM releases WHERE environment = $1 ORDER BY created_at DESC, version DESC',
      [environment],
    );
    return rows.map(releaseFromRow);
  }
}
