// Row <-> record mapping shared by the SQLite and PostgreSQL stores. Both schemas use the same
// snake_case column names; they differ only in how JSON arrives (text in SQLite, jsonb already
// parsed in PostgreSQL) and are normalised here so the two stores cannot drift apart.

import type {
  EventRecord,
  LockRecord,
  ReleaseRecord,
  ReleaseState,
  RunRecord,
  RunStatus,
  StepAttemptRecord,
  StepStatus,
} from './store.js';

export interface RunRow {
  id: string;
  app: string;
  environment: string;
  version: string;
  status: string;
  plan_path: string;
  plan_text: string;
  inputs: unknown;
  user_name: string;
  owner: string | null;
  heartbeat_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  reason: string | null;
}

export interface StepAttemptRow {
  run_id: string;
  step_key: string;
  attempt: number;
  status: string;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  error: string | null;
}

export interface EventRow {
  id: number;
  time: number;
  run_id: string | null;
  step_key: string | null;
  kind: string;
  source: string;
  data: unknown;
}

export interface LockRow {
  environment: string;
  run_id: string;
  user_name: string;
  owner: string;
  acquired_at: number;
  expires_at: number;
}

export interface ReleaseRow {
  environment: string;
  version: string;
  run_id: string | null;
  state: string;
  created_at: number;
  updated_at: number;
  data: unknown;
}

/** JSON columns: SQLite hands back text, PostgreSQL jsonb is already an object. */
export function parseJsonObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    return parsed as Record<string, unknown>;
  }
  return {};
}

export function runFromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    app: r.app,
    environment: r.environment,
    version: r.version,
    status: r.status as RunStatus,
    planPath: r.plan_path,
    planText: r.plan_text,
    inputs: parseJsonObject(r.inputs),
    user: r.user_name,
    owner: r.owner,
    heartbeatAt: r.heartbeat_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    reason: r.reason,
  };
}

export function stepAttemptFromRow(r: StepAttemptRow): StepAttemptRecord {
  return {
    runId: r.run_id,
    stepKey: r.step_key,
    attempt: r.attempt,
    status: r.status as StepStatus,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    exitCode: r.exit_code,
    error: r.error,
  };
}

export function eventFromRow(r: EventRow): EventRecord {
  return {
    id: r.id,
    time: r.time,
    runId: r.run_id,
    stepKey: r.step_key,
    kind: r.kind,
    source: r.source,
    data: parseJsonObject(r.data),
  };
}

export function lockFromRow(r: LockRow): LockRecord {
  return {
    environment: r.environment,
    runId: r.run_id,
    user: r.user_name,
    owner: r.owner,
    acquiredAt: r.acquired_at,
    expiresAt: r.expires_at,
  };
}

export function releaseFromRow(r: ReleaseRow): ReleaseRecord {
  return {
    environment: r.environment,
    version: r.version,
    runId: r.run_id,
    state: r.state as ReleaseState,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    data: parseJsonObject(r.data),
  };
}

/** Maps a RunPatch's camelCase keys to columns, in a fixed order so generated SQL is cacheable. */
export const runPatchColumns = [
  ['status', 'status'],
  ['owner', 'owner'],
  ['heartbeatAt', 'heartbeat_at'],
  ['startedAt', 'started_at'],
  ['finishedAt', 'finished_at'],
  ['reason', 'reason'],
] as const;

/**
 * Decides what acquireLock does once the current row (if any) is read under a write lock. Shared so
 * the lease rules are written once: free -> take; same run -> re-entrant renew; expired -> take over;
 * otherwise -> refused.
 */
export type LockDecision =
  | { kind: 'insert' }
  | { kind: 'renew'; previous: LockRecord }
  | { kind: 'take-over'; previous: LockRecord }
  | { kind: 'refuse'; holder: LockRecord };

export function decideLock(current: LockRecord | undefined, runId: string, now: number): LockDecision {
  if (current === undefined) return { kind: 'insert' };
  if (current.runId === runId) return { kind: 'renew', previous: current };
  if (current.expiresAt <= now) return { kind: 'take-over', previous: current };
  return { kind: 'refuse', holder: current };
}
