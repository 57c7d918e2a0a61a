// Public API of the migrate module, used by the `migrate` step and the `rollgate migrate` command.

export { type BackupEvidence, type RestoreResult, restoreBackup, takeBackup } from './backup.js';
export { migrateBaseline } from './baseline.js';
export { redactUrl, requireDatabaseUrl } from './connection.js';
export { type MigrateDownOptions, migrateDown, type RevertedMigration } from './down.js';
export { loadMigrations, type MigrationFile } from './files.js';
export { historyTable } from './history.js';
export {
  failingFindings,
  findExpandContractViolations,
  formatFinding,
  type LintFinding,
  lintMigrations,
} from './lint.js';
export { lockKeys } from './lock.js';
export { defaultLockTimeoutMs, type MigrateEventSink, type MigrateRunOptions } from './options.js';
export { type MigratePlan, migratePlan, renderPlan } from './plan.js';
export { migrateRepair, type RepairResult } from './repair.js';
export type { EntryState, MigrationState, StatusEntry } from './state.js';
export { migrateStatus, migrateVerify } from './status.js';
export { type AppliedMigration, type MigrateUpOptions, type MigrateUpResult, migrateUp } from './up.js';
