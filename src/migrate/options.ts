// Options shared by the migrate operations, and the small helpers every operation uses to report
// facts (onEvent, recorded as evidence by the engine) and lines (log).

import os from 'node:os';

export type MigrateEventSink = (kind: string, data: Record<string, unknown>) => unknown;

export interface MigrateConnectionOptions {
  /** postgres:// URL of the database to migrate. */
  databaseUrl: string;
  /** Directory holding NNNN_name.sql files. */
  dir: string;
}

export interface MigrateRunOptions extends MigrateConnectionOptions {
  /** How long to wait for the migration lock; default 10 000. */
  lockTimeoutMs?: number;
  /** Who is recorded in the history; default user@host. */
  appliedBy?: string;
  runId?: string;
  onEvent?: MigrateEventSink;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export const defaultLockTimeoutMs = 10_000;

export function defaultAppliedBy(): string {
  let user = process.env.ROLLGATE_USER ?? process.env.USER;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `${user}@${os.hostname()}`;
}

export async function emit(
  options: { onEvent?: MigrateEventSink },
  kind: string,
  data: Record<string, unknown>,
) {
  await options.onEvent?.(kind, data);
}

export function applicationName(action: string, runId?: string): string {
  return `rollgate migrate ${action}${runId ? ` ${runId}` : ''}`.slice(0, 63);
}
