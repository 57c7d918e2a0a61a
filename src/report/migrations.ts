// Migration evidence: applied migrations with their checksums and verification, the backup taken
// before them (with its hash and the pg_restore listing that proves it readable), and failures.

import type { EventRecord } from '../store/store.js';
import { type Cited, cite, num, str } from './evidence.js';
import type { BackupView, MigrationFailureView, MigrationView } from './report-model.js';

export function buildMigrations(events: readonly EventRecord[]): {
  applied: MigrationView[];
  backups: BackupView[];
  failures: MigrationFailureView[];
} {
  const opt = (e: EventRecord, v: unknown): Cited<number> | null => {
    const n = num(v);
    return n === null ? null : cite(n, e);
  };
  const verifications = events.filter((e) => e.kind === 'migrate.verified');
  const applied = events
    .filter((e) => e.kind === 'migrate.applied')
    .map((e): MigrationView => {
      const version = num(e.data.version) ?? 0;
      const v = verifications.find((x) => x.id > e.id && num(x.data.version) === version);
      return {
        version: cite(version, e),
        name: str(e.data.name) ?? '',
        file: str(e.data.file) ?? '',
        checksum: cite(str(e.data.checksum) ?? 'not recorded', e),
        durationMs: opt(e, e.data.durationMs),
        statements: opt(e, e.data.statements),
        verified: v ? cite(v.data.ok === true, v) : null,
      };
    });
  const backups = events
    .filter((e) => e.kind === 'migrate.backup')
    .map(
      (e): BackupView => ({
        file: str(e.data.file) ?? '',
        sizeBytes: opt(e, e.data.sizeBytes),
        sha256: str(e.data.sha256) ? cite(str(e.data.sha256) as string, e) : null,
        tocEntries: opt(e, e.data.tocEntries),
        verified: cite(e.data.verified === true, e),
        skipped: e.data.skipped === true,
      }),
    );
  const failures = events
    .filter((e) => e.kind === 'migrate.failed' || (e.kind === 'migrate.verified' && e.data.ok === false))
    .map(
      (e): MigrationFailureView => ({
        version: opt(e, e.data.version),
        error: cite(
          str(e.data.error) ??
            str(e.data.message) ??
            (e.kind === 'migrate.verified' ? 'verification failed' : 'failed'),
          e,
        ),
      }),
    );
  return { applied, backups, failures };
}
