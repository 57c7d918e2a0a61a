// `migrate up` and the `migrate` step: take the lock, check the history against the files, check the
// pending files, take and verify a backup, then apply each file in its own transaction (or outside
// one when it says -- rollgate:no-transaction), verify it, and record it.

import { RollgateError } from '../shared/errors.js';
import { type BackupEvidence, takeBackup } from './backup.js';
import { cancelOnAbort, describeFailure, runStatements, StatementError, throwIfAborted } from './execute.js';
import { loadMigrations } from './files.js';
import { insertHistory, readHistory, setHistoryStatus } from './history.js';
import { defaultAppliedBy, emit, type MigrateRunOptions } from './options.js';
import { type PreparedMigration, prepareUp } from './prepare.js';
import { type MigrationSession, openSession } from './session.js';
import { assertConsistent, computeState } from './state.js';
import { describeVerifyFailure, runVerify, type VerifyResult } from './verify.js';

export interface MigrateUpOptions extends MigrateRunOptions {
  /** $ROLLGATE_HOME, absolute: backups go to <home>/backups. */
  home: string;
  backup?: boolean;
  allowOutOfOrder?: boolean;
}

export interface AppliedMigration {
  version: number;
  name: string;
  file: string;
  checksum: string;
  durationMs: number;
  statements: number;
  transactional: boolean;
  verify: VerifyResult | null;
}

export interface MigrateUpResult {
  applied: AppliedMigration[];
  /** Versions that were already applied (or baselined) before this run. */
  alreadyApplied: number;
  backup: BackupEvidence | null;
  lockWaitMs: number;
}

function failureError(
  m: PreparedMigration,
  err: StatementError,
  applied: AppliedMigration[],
  transactional: boolean,
  cancelled: boolean,
): RollgateError {
  const before =
    applied.length > 0 ? ` Applied before it in this run: ${applied.map((a) => a.file).join(', ')}.` : '';
  const state = transactional
    ? `The database is as it was before ${m.migration.file}: its transaction was rolled back.`
    : `${m.migration.file} runs outside a transaction: its statements before statement ${err.failure.statementIndex + 1} took effect. It is recorded as failed; fix the cause, then run \`rollgate migrate repair\` and \`migrate up\` again.`;
  return new RollgateError(
    cancelled ? 'CANCELLED' : 'MIGRATION_ERROR',
    `${cancelled ? 'cancelled: ' : ''}${describeFailure(err.failure)}\n${state}${before}`,
    { cause: err, details: { failure: err.failure, applied: applied.map((a) => a.version) } },
  );
}

async function applyOne(
  session: MigrationSession,
  m: PreparedMigration,
  options: MigrateUpOptions,
  appliedBy: string,
  applied: AppliedMigration[],
): Promise<AppliedMigration> {
  const { client } = session;
  const file = m.migration;
  const transactional = m.main.transactional;
  const started = performance.now();
  const stopCancel = cancelOnAbort(
    options.signal,
    session.lock.client,
    (client as unknown as { processID: number }).processID,
  );
  let verify: VerifyResult | null = null;
  try {
    if (transactional) {
      await client.query('BEGIN');
      try {
        await runStatements(client, m.main);
        if (m.verify) {
          verify = await runVerify(client, m.verify);
          if (!verify.ok) throw new VerifyFailed(verify);
        }
        await insertHistory(client, {
          version: file.version,
          name: file.name,
          checksum: file.checksum,
          durationMs: performance.now() - started,
          appliedBy,
          runId: options.runId ?? null,
          status: 'applied',
        });
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } else {
      await insertHistory(client, {
        version: file.version,
        name: file.name,
        checksum: file.checksum,
        durationMs: 0,
        appliedBy,
        runId: options.runId ?? null,
        status: 'running',
      });
      try {
        await runStatements(client, m.main);
      } catch (err) {
        const message = err instanceof StatementError ? describeFailure(err.failure) : String(err);
        await setHistoryStatus(client, file.version, 'failed', {
          error: message.split('\n')[0] ?? message,
        }).catch(() => {});
        throw err;
      }
      await setHistoryStatus(client, file.version, 'applied', { durationMs: performance.now() - started });
      if (m.verify) {
        verify = await runVerify(client, m.verify);
        if (!verify.ok) throw new VerifyFailed(verify);
      }
    }
  } catch (err) {
    const cancelled = options.signal?.aborted === true;
    if (err instanceof StatementError) {
      await emit(options, 'migrate.failed', {
        version: file.version,
        ...err.failure,
        rolledBack: transactional,
      });
      throw failureError(m, err, applied, transactional, cancelled);
    }
    if (err instanceof VerifyFailed) {
      await emit(options, 'migrate.verified', verifyEvent(file.version, err.result));
      throw new RollgateError(
        'MIGRATION_ERROR',
        `verification of ${file.file} failed:\n${describeVerifyFailure(err.result)}\n${
          transactional
            ? `The database is as it was before ${file.file}: its transaction was rolled back.`
            : `${file.file} ran outside a transaction and stays applied; fix the data or run \`rollgate migrate down\`.`
        }`,
        { details: { verify: err.result } },
      );
    }
    throw err;
  } finally {
    stopCancel();
  }
  const durationMs = Math.round(performance.now() - started);
  const result: AppliedMigration = {
    version: file.version,
    name: file.name,
    file: file.file,
    checksum: file.checksum,
    durationMs,
    statements: m.main.statements.length,
    transactional,
    verify,
  };
  await emit(options, 'migrate.applied', {
    version: file.version,
    name: file.name,
    file: file.file,
    checksum: file.checksum,
    durationMs,
    statements: result.statements,
    transactional,
  });
  if (verify) await emit(options, 'migrate.verified', verifyEvent(file.version, verify));
  options.log?.(
    `applied ${file.file} in ${durationMs} ms (${result.statements} statement${result.statements === 1 ? '' : 's'}${transactional ? '' : ', no transaction'}${verify ? `, ${verify.assertions.length} assertion${verify.assertions.length === 1 ? '' : 's'} passed` : ''})`,
  );
  return result;
}

class VerifyFailed extends Error {
  constructor(readonly result: VerifyResult) {
    super('verification failed');
  }
}

function verifyEvent(version: number, v: VerifyResult): Record<string, unknown> {
  return {
    version,
    file: v.file,
    ok: v.ok,
    assertions: v.assertions.length,
    failed: v.assertions.filter((a) => !a.ok),
  };
}

export async function migrateUp(options: MigrateUpOptions): Promise<MigrateUpResult> {
  const files = await loadMigrations(options.dir);
  const session = await openSession(options, 'up');
  try {
    const state = computeState(files, await readHistory(session.client), options.allowOutOfOrder === true);
    assertConsistent(state, options.allowOutOfOrder === true);
    const alreadyApplied = state.entries.filter(
      (e) => e.state === 'applied' || e.state === 'baseline',
    ).length;
    const prepared = await prepareUp(state.pending, options.dir, session.serverVersionNum);
    let backup: BackupEvidence | null = null;
    if (options.backup) {
      if (prepared.length === 0) {
        options.log?.('backup skipped: nothing to migrate');
        await emit(options, 'migrate.backup', { skipped: true, reason: 'nothing pending' });
      } else {
        options.log?.('taking a backup (pg_dump -Fc) before migrating');
        backup = await takeBackup({
          databaseUrl: options.databaseUrl,
          home: options.home,
          ...(options.runId ? { label: options.runId } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        await emit(options, 'migrate.backup', { ...backup, verified: true });
        options.log?.(
          `backup ${backup.file}: ${backup.sizeBytes} bytes, sha256 ${backup.sha256}, ${backup.tocEntries} entries listed by pg_restore`,
        );
      }
    }
    if (prepared.length === 0) options.log?.(`nothing to migrate: ${alreadyApplied} applied`);
    const appliedBy = options.appliedBy ?? defaultAppliedBy();
    const applied: AppliedMigration[] = [];
    for (const m of prepared) {
      throwIfAborted(options.signal, `before ${m.migration.file}`);
      session.lock.assertHeld();
      applied.push(await applyOne(session, m, options, appliedBy, applied));
      await session.reset();
    }
    return { applied, alreadyApplied, backup, lockWaitMs: session.lock.waitedMs };
  } finally {
    await session.close();
  }
}
