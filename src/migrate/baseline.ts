// `migrate baseline --version N`: marks an existing schema as applied up to N, so Rollgate can take
// over a database that was built by hand or by another tool. Only on an empty history.

import { RollgateError } from '../shared/errors.js';
import { loadMigrations } from './files.js';
import { insertHistory, readHistory } from './history.js';
import { defaultAppliedBy, emit, type MigrateRunOptions } from './options.js';
import { openSession } from './session.js';

export async function migrateBaseline(
  options: MigrateRunOptions & { version: number },
): Promise<{ baselined: Array<{ version: number; name: string }> }> {
  if (!Number.isSafeInteger(options.version) || options.version < 1) {
    throw new RollgateError(
      'INVALID_INPUT',
      `--version must be a positive migration number, got ${options.version}`,
    );
  }
  const files = await loadMigrations(options.dir);
  const session = await openSession(options, 'baseline');
  try {
    const history = await readHistory(session.client);
    if (history.length > 0) {
      throw new RollgateError(
        'MIGRATION_ERROR',
        `the database already has a migration history (${history.length} entr${history.length === 1 ? 'y' : 'ies'}, highest ${Math.max(...history.map((h) => h.version))}); baseline only applies to a database Rollgate has never migrated`,
      );
    }
    const appliedBy = options.appliedBy ?? defaultAppliedBy();
    const covered = files.filter((f) => f.version <= options.version);
    const rows = covered.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum }));
    if (!covered.some((f) => f.version === options.version)) {
      rows.push({ version: options.version, name: '<< baseline >>', checksum: '' });
    }
    await session.client.query('BEGIN');
    try {
      for (const r of rows) {
        await insertHistory(session.client, {
          ...r,
          durationMs: 0,
          appliedBy,
          runId: options.runId ?? null,
          status: 'baseline',
        });
      }
      await session.client.query('COMMIT');
    } catch (err) {
      await session.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    await emit(options, 'migrate.baseline', {
      version: options.version,
      versions: rows.map((r) => r.version),
      appliedBy,
    });
    options.log?.(
      `baselined at version ${options.version}: ${rows.length} entr${rows.length === 1 ? 'y' : 'ies'} recorded`,
    );
    return { baselined: rows.map((r) => ({ version: r.version, name: r.name })) };
  } finally {
    await session.close();
  }
}
