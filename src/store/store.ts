// The Store interface: everything the control plane remembers. Runs, step attempts, the append-only
// event log (the evidence every report is built from), per-environment lease locks and releases.
// Implementations: sqlite-store.ts (default, $ROLLGATE_HOME/state.db) and postgres-store.ts
// (ROLLGATE_DATABASE_URL). Times are epoch milliseconds everywhere.

export type RunStatus =
  | 'pending' // created, not yet started
  | 'awaiting_approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rolled_back'
  | 'cancelled'
  | 'rejected';

export const finishedRunStatuses: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'rolled_back',
  'cancelled',
  'rejected',
];

export interface RunRecord {
  id: string;
  app: string;
  environment: string;
  version: string;
  status: RunStatus;
  /** Absolute path of the plan file the run was started from. */
  planPath: string;
  /** The plan's YAML text as it was when the run started: resume uses this, not the file on disk. */
  planText: string;
  /** --var values and other non-secret inputs (JSON). Secret values are never stored. */
  inputs: Record<string, unknown>;
  user: string;
  /** Who currently drives the run, e.g. "pid 1234 on host-a"; null when nobody does. */
  owner: string | null;
  /** Last heartbeat of the owner; a running run whose heartbeat is older than the lease is interrupted. */
  heartbeatAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Short human reason for a failed/cancelled/rejected run. */
  reason: string | null;
}

export interface NewRun {
  id: string;
  app: string;
  environment: string;
  version: string;
  planPath: string;
  planText: string;
  inputs: Record<string, unknown>;
  user: string;
  owner: string | null;
  createdAt: number;
}

export type RunPatch = Partial<
  Pick<RunRecord, 'status' | 'owner' | 'heartbeatAt' | 'startedAt' | 'finishedAt' | 'reason'>
>;

export interface RunFilter {
  environment?: string;
  statuses?: RunStatus[];
  /** Newest first; default 50. */
  limit?: number;
}

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'timed_out';

export interface StepAttemptRecord {
  runId: string;
  /** Stable key of the step within the plan: "<phase>/<index>" e.g. "build/0". */
  stepKey: string;
  attempt: number;
  status: StepStatus;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  error: string | null;
}

export interface EventRecord {
  /** Monotonic id assigned by the store; reports cite these. */
  id: number;
  time: number;
  runId: string | null;
  stepKey: string | null;
  /** Dotted kind, e.g. run.started, step.succeeded, approval.granted, lock.acquired. */
  kind: string;
  /** Where the fact came from, e.g. "engine", "cli:approve", "agent", "router". */
  source: string;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<EventRecord, 'id'>;

export interface EventFilter {
  /** Only events with id greater than this (for tailing). */
  afterId?: number;
  kinds?: string[];
  stepKey?: string;
  limit?: number;
}

export interface LockHolder {
  runId: string;
  user: string;
  /** e.g. "pid 1234 on host-a" */
  owner: string;
}

export interface LockRecord extends LockHolder {
  environment: string;
  acquiredAt: number;
  expiresAt: number;
}

export type LockResult =
  | { acquired: true; lock: LockRecord; tookOverFrom?: LockRecord }
  | { acquired: false; holder: LockRecord };

export type ReleaseState = 'pending' | 'active' | 'retained' | 'retired' | 'failed';

export interface ReleaseRecord {
  environment: string;
  version: string;
  runId: string | null;
  state: ReleaseState;
  createdAt: number;
  updatedAt: number;
  data: Record<string, unknown>;
}

export interface Store {
  /** Creates or upgrades Rollgate's own schema (versioned migrations); safe to call every start. */
  init(): Promise<void>;
  close(): Promise<void>;

  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  updateRun(id: string, patch: RunPatch): Promise<void>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;

  startStepAttempt(a: Omit<StepAttemptRecord, 'finishedAt' | 'exitCode' | 'error' | 'status'>): Promise<void>;
  finishStepAttempt(
    runId: string,
    stepKey: string,
    attempt: number,
    result: { status: StepStatus; finishedAt: number; exitCode?: number | null; error?: string | null },
  ): Promise<void>;
  listStepAttempts(runId: string): Promise<StepAttemptRecord[]>;

  /** Appends to the event log and returns the stored record with its id. Never updates or deletes. */
  appendEvent(event: NewEvent): Promise<EventRecord>;
  /** Oldest first. */
  listEvents(runId: string, filter?: EventFilter): Promise<EventRecord[]>;

  /**
   * Takes the environment's lock for `ttlMs`. Succeeds when it is free, expired (the previous holder
   * stopped renewing: `tookOverFrom` tells who), or already held by the same run (re-entrant: resume).
   */
  acquireLock(environment: string, holder: LockHolder, ttlMs: number, now: number): Promise<LockResult>;
  /** Extends the lease; false when the run no longer holds it. */
  renewLock(environment: string, runId: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLock(environment: string, runId: string): Promise<void>;
  getLock(environment: string): Promise<LockRecord | undefined>;

  upsertRelease(release: ReleaseRecord): Promise<void>;
  /** Newest first (by createdAt). */
  listReleases(environment: string): Promise<ReleaseRecord[]>;
}
