// The state of a database against a migrations directory: which versions are applied, pending,
// changed since they were applied (checksum), failed part-way, out of order, or missing their file.

import { RollgateError } from '../shared/errors.js';
import { shortChecksum } from './checksum.js';
import type { MigrationFile } from './files.js';
import type { HistoryRow } from './history.js';

export type EntryState =
  | 'applied'
  | 'baseline'
  | 'pending'
  | 'out-of-order'
  | 'changed'
  | 'failed'
  | 'running'
  | 'missing';

export interface StatusEntry {
  version: number;
  name: string;
  file: string | null;
  state: EntryState;
  checksum: string | null;
  recordedChecksum: string | null;
  appliedAt: string | null;
  appliedBy: string | null;
  durationMs: number | null;
  runId: string | null;
  error: string | null;
  hasDown: boolean;
  hasVerify: boolean;
}

export interface MigrationState {
  entries: StatusEntry[];
  files: MigrationFile[];
  history: HistoryRow[];
  /** Files to apply, in order (out-of-order ones included only when allowed). */
  pending: MigrationFile[];
  highestApplied: number | null;
}

export function computeState(
  files: MigrationFile[],
  history: HistoryRow[],
  allowOutOfOrder = false,
): MigrationState {
  const byVersion = new Map(history.map((h) => [h.version, h]));
  const fileVersions = new Set(files.map((f) => f.version));
  const done = history.filter((h) => h.status === 'applied' || h.status === 'baseline');
  const highestApplied = done.length === 0 ? null : Math.max(...done.map((h) => h.version));
  const entries: StatusEntry[] = [];
  const pending: MigrationFile[] = [];
  for (const f of files) {
    const h = byVersion.get(f.version);
    let state: EntryState;
    if (!h) {
      state = highestApplied !== null && f.version < highestApplied ? 'out-of-order' : 'pending';
      if (state === 'pending' || allowOutOfOrder) pending.push(f);
    } else if (h.status === 'failed' || h.status === 'running') {
      state = h.status;
    } else if (h.checksum !== '' && h.checksum !== f.checksum) {
      state = 'changed';
    } else state = h.status;
    entries.push({
      version: f.version,
      name: f.name,
      file: f.file,
      state,
      checksum: f.checksum,
      recordedChecksum: h?.checksum ?? null,
      appliedAt: h?.appliedAt ?? null,
      appliedBy: h?.appliedBy ?? null,
      durationMs: h?.durationMs ?? null,
      runId: h?.runId ?? null,
      error: h?.error ?? null,
      hasDown: f.down !== undefined,
      hasVerify: f.verify !== undefined,
    });
  }
  for (const h of history) {
    if (fileVersions.has(h.version)) continue;
    // a baseline marker without a file is expected; anything else lost its file
    const state: EntryState = h.status === 'baseline' && h.checksum === '' ? 'baseline' : 'missing';
    entries.push({
      version: h.version,
      name: h.name,
      file: null,
      state: h.status === 'failed' || h.status === 'running' ? h.status : state,
      checksum: null,
      recordedChecksum: h.checksum,
      appliedAt: h.appliedAt,
      appliedBy: h.appliedBy,
      durationMs: h.durationMs,
      runId: h.runId,
      error: h.error,
      hasDown: false,
      hasVerify: false,
    });
  }
  entries.sort((a, b) => a.version - b.version);
  return { entries, files, history, pending, highestApplied };
}

/** Stops before anything runs when the history and the files disagree. */
export function assertConsistent(state: MigrationState, allowOutOfOrder: boolean): void {
  const problems: string[] = [];
  for (const e of state.entries) {
    if (e.state === 'changed') {
      problems.push(
        `${e.file} was changed after it was applied: recorded sha256 ${e.recordedChecksum}, file now ${e.checksum} (${shortChecksum(e.recordedChecksum ?? '')} → ${shortChecksum(e.checksum ?? '')}). Restore the file, or accept the change on purpose with \`rollgate migrate repair\``,
      );
    } else if (e.state === 'failed' || e.state === 'running') {
      problems.push(
        `${e.file ?? `version ${e.version}`} ${e.state === 'failed' ? 'failed' : 'was interrupted'} part-way while running outside a transaction${e.error ? ` (${e.error})` : ''}; some of its statements may have taken effect. Check the database, then run \`rollgate migrate repair\` to clear the entry so it runs again`,
      );
    } else if (e.state === 'out-of-order' && !allowOutOfOrder) {
      problems.push(
        `${e.file} is not applied but is numbered below the applied version ${state.highestApplied}; renumber it above ${state.highestApplied}, or pass --allow-out-of-order (allowOutOfOrder: true) if it is independent of the later ones`,
      );
    }
  }
  if (problems.length > 0) {
    throw new RollgateError(
      'MIGRATION_ERROR',
      `nothing was run: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the migration history:\n  ${problems.join('\n  ')}`,
      { details: { problems } },
    );
  }
}
