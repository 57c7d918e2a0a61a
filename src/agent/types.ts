// Small types shared by the agent program, its client and the rollout code: what a release runs,
// where an environment listens, and what the control API answers. No behaviour lives here.

export type HealthKind = 'http' | 'tcp' | 'command';

export interface HealthSpec {
  kind: HealthKind;
  /** http: path probed; command: shell command (PORT set); tcp: unused. */
  target: string;
  intervalMs: number;
  timeoutMs: number;
  healthyAfter: number;
  unhealthyAfter: number;
}

/** A service fully resolved for the agent: absolute cwd, interpolated env, durations in ms. */
export interface ServiceSpec {
  start: string;
  cwd: string;
  env: Record<string, string>;
  instances: number;
  health: HealthSpec;
  drainMs: number;
}

export interface TargetSpec {
  host: string;
  listen: number;
  previewListen?: number;
  metricsListen?: number;
  /** Keep each client on one release (cookie) while weights are split. */
  sticky?: boolean;
}

export type ReleaseState = 'starting' | 'preview' | 'canary' | 'stable' | 'retained' | 'stopping' | 'stopped';

export interface InstanceStatus {
  id: string;
  pid: number;
  port: number;
  healthy: boolean;
  state: string;
  restarts: number;
  /** Result of the last health probe, e.g. "http GET /healthz answered 503". */
  lastCheck: string | null;
}

export interface ReleaseStatusFull {
  version: string;
  weight: number;
  state: ReleaseState;
  desiredInstances: number;
  createdAt: number;
  stopAt: number | null;
  instances: InstanceStatus[];
}

export interface AgentEvent {
  seq: number;
  at: number;
  kind: string;
  data: Record<string, unknown>;
}

export interface RolloutRecord {
  id: string;
  version: string;
  strategy: string;
  ownerPid: number;
  startedAt: number;
  aborted: boolean;
}

export interface RolloutCommand {
  seq: number;
  at: number;
  action: 'promote' | 'abort';
  by: string;
}

export interface EnvironmentStatusFull {
  environment: string;
  target: TargetSpec | null;
  releases: ReleaseStatusFull[];
  rollout: RolloutRecord | null;
  lastEventSeq: number;
  lastCommandSeq: number;
}
