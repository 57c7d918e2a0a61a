// `migrate plan`: the dry run. Shows, without changing anything, the SQL that `up` would run in
// order, with the lock, the backup and the transaction boundaries. Reads the history but takes no
// lock and creates nothing.

import path from 'node:path';
import { closeQuietly, connect, redactUrl, serverVersionNum } from './connection.js';
import { loadMigrations } from './files.js';
import { historyTable, readHistory } from './history.js';
import { lockKeys } from './lock.js';
import { applicationName, defaultLockTimeoutMs, type MigrateConnectionOptions } from './options.js';
import { prepareUp } from './prepare.js';
import { assertConsistent, computeState } from './state.js';

export type PlanAction =
  | { action: 'lock'; sql: string; timeoutMs: number }
  | { action: 'backup'; command: string; into: string; verify: string }
  | {
      action: 'migration';
      version: number;
      file: string;
      checksum: string;
      transactional: boolean;
      statements: Array<{ line: number; sql: string }>;
      verify: { file: string; assertions: Array<{ line: number; sql: string }> } | null;
      record: string;
    }
  | { action: 'unlock'; sql: string };

export interface MigratePlan {
  database: string;
  dir: string;
  pending: number;
  actions: PlanAction[];
}

export async function migratePlan(
  options: MigrateConnectionOptions & {
    backup?: boolean;
    lockTimeoutMs?: number;
    allowOutOfOrder?: boolean;
    home: string;
  },
): Promise<MigratePlan> {
  const files = await loadMigrations(options.dir);
  const client = await connect(options.databaseUrl, applicationName('plan'));
  let version: number;
  let state: ReturnType<typeof computeState>;
  try {
    version = await serverVersionNum(client);
    state = computeState(files, await readHistory(client), options.allowOutOfOrder === true);
  } finally {
    await closeQuietly(client);
  }
  assertConsistent(state, options.allowOutOfOrder === true);
  const prepared = await prepareUp(state.pending, options.dir, version);
  const actions: PlanAction[] = [
    {
      action: 'lock',
      sql: `SELECT pg_try_advisory_lock(${lockKeys[0]}, ${lockKeys[1]}) -- session-level, on its own connection`,
      timeoutMs: options.lockTimeoutMs ?? defaultLockTimeoutMs,
    },
  ];
  if (options.backup && prepared.length > 0) {
    actions.push({
      action: 'backup',
      command: 'pg_dump --format=custom',
      into: path.join(options.home, 'backups'),
      verify: 'pg_restore --list (size and sha256 recorded)',
    });
  }
  for (const p of prepared) {
    actions.push({
      action: 'migration',
      version: p.migration.version,
      file: p.migration.file,
      checksum: p.migration.checksum,
      transactional: p.main.transactional,
      statements: p.main.statements.map((s) => ({ line: s.line, sql: s.text })),
      verify: p.verify
        ? {
            file: p.verify.source.file,
            assertions: p.verify.statements.map((s) => ({ line: s.line, sql: s.text })),
          }
        : null,
      record: `INSERT INTO ${historyTable} (version ${p.migration.version}, checksum ${p.migration.checksum.slice(0, 12)}…)`,
    });
  }
  actions.push({ action: 'unlock', sql: `SELECT pg_advisory_unlock(${lockKeys[0]}, ${lockKeys[1]})` });
  return { database: redactUrl(options.databaseUrl), dir: options.dir, pending: prepared.length, actions };
}

function indent(sql: string, pad: string): string {
  return sql
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

export function renderPlan(plan: MigratePlan): string {
  const out: string[] = [`Migration plan for ${plan.database} (${plan.dir}): ${plan.pending} pending`];
  if (plan.pending === 0) {
    out.push('Nothing to run: the database is up to date.');
    return out.join('\n');
  }
  for (const a of plan.actions) {
    switch (a.action) {
      case 'lock':
        out.push(`-- take the migration lock, waiting up to ${a.timeoutMs} ms`, `${a.sql};`);
        break;
      case 'backup':
        out.push(`-- backup: ${a.command} into ${a.into}, verified with ${a.verify}`);
        break;
      case 'migration':
        out.push('', `-- ${a.file} (version ${a.version})${a.transactional ? '' : ' -- no transaction'}`);
        if (a.transactional) out.push('BEGIN;');
        for (const s of a.statements) {
          const pad = a.transactional ? '  ' : '';
          out.push(`${pad}-- line ${s.line}`, `${indent(s.sql, pad)};`);
        }
        if (a.verify) {
          out.push(`  -- verify ${a.verify.file}: each must return a single true`);
          for (const s of a.verify.assertions) out.push(`${indent(s.sql, '  ')};`);
        }
        out.push(`  -- ${a.record}`);
        if (a.transactional) out.push('COMMIT;');
        break;
      case 'unlock':
        out.push('', `${a.sql};`);
        break;
    }
  }
  return out.join('\n');
}
