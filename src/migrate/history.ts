// The history table rollgate_migrations: one row per version that the database has applied
// (status applied or baseline), is applying outside a transaction (running) or failed part-way
// outside a transaction (failed). Transactional files write their row in their own transaction, so a
// killed runner can never leave a row for a file whose changes were rolled back.

import type pg from 'pg';

export const historyTable = 'rollgate_migrations';

export type HistoryStatus = 'applied' | 'baseline' | 'running' | 'failed';

export interface HistoryRow {
  version: number;
  name: string;
  checksum: string;
  appliedAt: string;
  durationMs: number;
  appliedBy: string;
  runId: string | null;
  status: HistoryStatus;
  error: string | null;
  repairedBy: string | null;
  repairedAt: string | null;
  previousChecksum: string | null;
}

export const createHistorySql = `CREATE TABLE IF NOT EXISTS ${historyTable} (
  version bigint PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL DEFAULT 0,
  applied_by text NOT NULL,
  run_id text,
  status text NOT NULL CHECK (status IN ('applied', 'baseline', 'running', 'failed')),
  error text,
  repaired_by text,
  repaired_at timestamptz,
  previous_checksum text
)`;

export async function ensureHistoryTable(client: pg.Client): Promise<void> {
  await client.query(createHistorySql);
}

export async function historyTableExists(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [historyTable]);
  return r.rows[0]?.t != null;
}

interface RawRow {
  version: string;
  name: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number;
  applied_by: string;
  run_id: string | null;
  status: HistoryStatus;
  error: string | null;
  repaired_by: string | null;
  repaired_at: Date | null;
  previous_checksum: string | null;
}

/** All rows ordered by version; empty when the table does not exist yet. */
export async function readHistory(client: pg.Client): Promise<HistoryRow[]> {
  if (!(await historyTableExists(client))) return [];
  const r = await client.query<RawRow>(`SELECT * FROM ${historyTable} ORDER BY version`);
  return r.rows.map((x) => ({
    version: Number(x.version),
    name: x.name,
    checksum: x.checksum,
    appliedAt: x.applied_at.toISOString(),
    durationMs: x.duration_ms,
    appliedBy: x.applied_by,
    runId: x.run_id,
    status: x.status,
    error: x.error,
    repairedBy: x.repaired_by,
    repairedAt: x.repaired_at ? x.repaired_at.toISOString() : null,
    previousChecksum: x.previous_checksum,
  }));
}

export interface NewHistoryRow {
  version: number;
  name: string;
  checksum: string;
  durationMs: number;
  appliedBy: string;
  runId: string | null;
  status: HistoryStatus;
}

export const insertHistorySql = `INSERT INTO ${historyTable} (version, name, checksum, duration_ms, applied_by, run_id, status)
VALUES ($1, $2, $3, $4, $5, $6, $7)`;

export async function insertHistory(client: pg.Client, row: NewHistoryRow): Promise<void> {
  await client.query(insertHistorySql, [
    row.version,
    row.name,
    row.checksum,
    Math.round(row.durationMs),
    row.appliedBy,
    row.runId,
    row.status,
  ]);
}

export async function setHistoryStatus(
  client: pg.Client,
  version: number,
  status: HistoryStatus,
  fields: { durationMs?: number; error?: string | null },
): Promise<void> {
  await client.query(
    `UPDATE ${historyTable} SET status = $2, duration_ms = COALESCE($3, duration_ms), error = $4 WHERE version = $1`,
    [
      version,
      status,
      fields.durationMs === undefined ? null : Math.round(fields.durationMs),
      fields.error ?? null,
    ],
  );
}

export async function deleteHistory(client: pg.Client, version: number): Promise<void> {
  await client.query(`DELETE FROM ${historyTable} WHERE version = $1`, [version]);
}

export async function acceptChecksum(
  client: pg.Client,
  version: number,
  checksum: string,
  repairedBy: string,
): Promise<void> {
  await client.query(
    `UPDATE ${historyTable} SET previous_checksum = checksum, checksum = $2, repaired_by = $3, repaired_at = now()
     WHERE version = $1`,
    [version, checksum, repairedBy],
  );
}
