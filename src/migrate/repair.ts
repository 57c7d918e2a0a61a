// `migrate repair`: accepts on purpose what `up` refuses. Records the new checksum of a file edited
// after it was applied (keeping the old one and who accepted it), and clears entries of files that
// failed or were interrupted outside a transaction so they run again.

import { loadMigrations } from './files.js';
import { acceptChecksum, deleteHistory, readHistory } from './history.js';
import { defaultAppliedBy, emit, type MigrateRunOptions } from './options.js';
import { openSession } from './session.js';
import { computeState } from './state.js';

export interface RepairResult {
  checksumsAccepted: Array<{ version: number; file: string; from: string; to: string }>;
  cleared: Array<{ version: number; name: string; status: string }>;
  repairedBy: string;
}

export async function migrateRepair(options: MigrateRunOptions): Promise<RepairResult> {
  const files = await loadMigrations(options.dir);
  const session = await openSession(options, 'repair');
  try {
    const { client } = session;
    const state = computeState(files, await readHistory(client), true);
    const repairedBy = options.appliedBy ?? defaultAppliedBy();
    const result: RepairResult = { checksumsAccepted: [], cleared: [], repairedBy };
    await client.query('BEGIN');
    try {
      for (const e of state.entries) {
        if (e.state === 'changed' && e.checksum && e.file) {
          await acceptChecksum(client, e.version, e.checksum, repairedBy);
          result.checksumsAccepted.push({
            version: e.version,
            file: e.file,
            from: e.recordedChecksum ?? '',
            to: e.checksum,
          });
        } else if (e.state === 'failed' || e.state === 'running') {
          await deleteHistory(client, e.version);
          result.cleared.push({ version: e.version, name: e.name, status: e.state });
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    for (const c of result.checksumsAccepted) {
      await emit(options, 'migrate.repaired', { kind: 'checksum', ...c, repairedBy });
      options.log?.(
        `accepted the new checksum of ${c.file} (${c.from.slice(0, 12)} → ${c.to.slice(0, 12)}), by ${repairedBy}`,
      );
    }
    for (const c of result.cleared) {
      await emit(options, 'migrate.repaired', { kind: 'cleared', ...c, repairedBy });
      options.log?.(`cleared the ${c.status} entry of version ${c.version} (${c.name}); it will run again`);
    }
    if (result.checksumsAccepted.length + result.cleared.length === 0) options.log?.('nothing to repair');
    return result;
  } finally {
    await session.close();
  }
}
