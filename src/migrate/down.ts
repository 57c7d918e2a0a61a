// `migrate down --to VERSION`: reverts every applied version above VERSION, newest first, with its
// NNNN_name.down.sql. Every one of them must have a down file, checked before anything runs.

import { RollgateError } from '../shared/errors.js';
import { cancelOnAbort, describeFailure, runStatements, StatementError, throwIfAborted } from './execute.js';
import { loadMigrations, type MigrationFile } from './files.js';
import { deleteHistory, readHistory } from './history.js';
import { emit, type MigrateRunOptions } from './options.js';
import { prepareDown } from './prepare.js';
import { openSession } from './session.js';
import { assertConsistent, computeState } from './state.js';

export interface MigrateDownOptions extends MigrateRunOptions {
  /** Keep this version and everything below it; 0 reverts everything. */
  to: number;
}

export interface RevertedMigration {
  version: number;
  name: string;
  file: string;
  durationMs: number;
  statements: number;
  transactional: boolean;
}

export async function migrateDown(options: MigrateDownOptions): Promise<{ reverted: RevertedMigration[] }> {
  if (!Number.isSafeInteger(options.to) || options.to < 0) {
    throw new RollgateError(
      'INVALID_INPUT',
      `--to must be a version number (0 reverts everything), got ${options.to}`,
    );
  }
  const files = await loadMigrations(options.dir);
  const session = await openSession(options, 'down');
  try {
    const { client } = session;
    const state = computeState(files, await readHistory(client), true);
    assertConsistent(state, true);
    const fileOf = new Map(files.map((f) => [f.version, f]));
    const rows = state.history
      .filter((h) => (h.status === 'applied' || h.status === 'baseline') && h.version > options.to)
      .sort((a, b) => b.version - a.version);
    const problems: string[] = [];
    const targets: MigrationFile[] = [];
    for (const h of rows) {
      const f = fileOf.get(h.version);
      if (!f)
        problems.push(`version ${h.version} (${h.name}) is applied but its file is gone from ${options.dir}`);
      else if (!f.down) {
        problems.push(
          `${f.file} has no down file: write ${f.file.replace(/\.sql$/, '.down.sql')} to revert it`,
        );
      } else targets.push(f);
    }
    if (problems.length > 0) {
      throw new RollgateError('MIGRATION_ERROR', `nothing was reverted: ${problems.join('; ')}`, {
        details: { problems },
      });
    }
    const prepared = await prepareDown(targets, options.dir, session.serverVersionNum);
    const reverted: RevertedMigration[] = [];
    for (const { migration: m, down } of prepared) {
      throwIfAborted(options.signal, `before reverting ${m.file}`);
      session.lock.assertHeld();
      const started = performance.now();
      const stopCancel = cancelOnAbort(
        options.signal,
        session.lock.client,
        (client as unknown as { processID: number }).processID,
      );
      try {
        if (down.transactional) await client.query('BEGIN');
        await runStatements(client, down);
        await deleteHistory(client, m.version);
        if (down.transactional) await client.query('COMMIT');
      } catch (err) {
        if (down.transactional) await client.query('ROLLBACK').catch(() => {});
        if (err instanceof StatementError) {
          await emit(options, 'migrate.failed', { version: m.version, direction: 'down', ...err.failure });
          throw new RollgateError(
            options.signal?.aborted ? 'CANCELLED' : 'MIGRATION_ERROR',
            `${describeFailure(err.failure)}\n${
              down.transactional
                ? `${m.file} is still applied: the down file's transaction was rolled back.`
                : `${down.source.file} ran outside a transaction: statements before the failing one took effect, and ${m.file} is still recorded as applied.`
            }${reverted.length > 0 ? ` Reverted before it: ${reverted.map((r) => r.file).join(', ')}.` : ''}`,
            { cause: err, details: { failure: err.failure, reverted: reverted.map((r) => r.version) } },
          );
        }
        throw err;
      } finally {
        stopCancel();
      }
      const r: RevertedMigration = {
        version: m.version,
        name: m.name,
        file: m.file,
        durationMs: Math.round(performance.now() - started),
        statements: down.statements.length,
        transactional: down.transactional,
      };
      reverted.push(r);
      await emit(options, 'migrate.reverted', { ...r });
      options.log?.(`reverted ${m.file} with ${down.source.file} in ${r.durationMs} ms`);
      await session.reset();
    }
    if (reverted.length === 0) options.log?.(`nothing to revert: no applied version above ${options.to}`);
    return { reverted };
  } finally {
    await session.close();
  }
}
