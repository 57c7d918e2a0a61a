// `migrate status` and `migrate verify`: read-only views of a database against its migrations.
// Neither takes the lock nor creates the history table.

import { closeQuietly, connect } from './connection.js';
import { loadMigrations, type MigrationFile, type SqlFile } from './files.js';
import { readHistory } from './history.js';
import { applicationName, emit, type MigrateConnectionOptions, type MigrateRunOptions } from './options.js';
import { prepareSqlFiles } from './prepare.js';
import { computeState, type MigrationState } from './state.js';
import { runVerify, type VerifyResult } from './verify.js';

export async function migrateStatus(
  options: MigrateConnectionOptions & { allowOutOfOrder?: boolean },
): Promise<MigrationState> {
  const files = await loadMigrations(options.dir);
  const client = await connect(options.databaseUrl, applicationName('status'));
  try {
    return computeState(files, await readHistory(client), options.allowOutOfOrder === true);
  } finally {
    await closeQuietly(client);
  }
}

/**
 * Runs the verify file of every applied migration against the database as it is now, each in a
 * read-only transaction that is rolled back.
 */
export async function migrateVerify(
  options: MigrateRunOptions,
): Promise<{ ok: boolean; results: Array<VerifyResult & { version: number }> }> {
  const files = await loadMigrations(options.dir);
  const client = await connect(options.databaseUrl, applicationName('verify', options.runId));
  try {
    const state = computeState(files, await readHistory(client));
    const applied = new Set(
      state.entries
        .filter((e) => e.state === 'applied' || e.state === 'baseline' || e.state === 'changed')
        .map((e) => e.version),
    );
    const withVerify = files.filter((f) => applied.has(f.version) && f.verify);
    const prepared = await prepareSqlFiles(
      withVerify.map((f) => f.verify as SqlFile),
      options.dir,
    );
    const results: Array<VerifyResult & { version: number }> = [];
    for (const [i, p] of prepared.entries()) {
      const version = (withVerify[i] as MigrationFile).version;
      await client.query('BEGIN READ ONLY');
      try {
        const r = await runVerify(client, p);
        results.push({ ...r, version });
        await emit(options, 'migrate.verified', {
          version,
          file: r.file,
          ok: r.ok,
          assertions: r.assertions.length,
          failed: r.assertions.filter((a) => !a.ok),
        });
        options.log?.(
          `${r.ok ? 'ok  ' : 'FAIL'} ${r.file} (${r.assertions.length} assertion${r.assertions.length === 1 ? '' : 's'})`,
        );
      } finally {
        await client.query('ROLLBACK').catch(() => {});
      }
    }
    return { ok: results.every((r) => r.ok), results };
  } finally {
    await closeQuietly(client);
  }
}
