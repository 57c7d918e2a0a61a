// The shape of a run report: what every renderer (markdown, json, html) prints. Every figure is a
// Cited value; the JSON renderer prints this model as it is, so these names are its fields.

import type { Cited } from './evidence.js';

export const reportSchemaVersion = 1;

export interface ReportSummary {
  app: string;
  version: string;
  environment: string;
  runId: string;
  /** Final run status from the final run.* event; "unfinished" when none was recorded. */
  result: Cited<string>;
  startedAt: Cited<string> | null;
  finishedAt: Cited<string> | null;
  durationMs: Cited<number> | null;
  triggeredBy: Cited<string> | null;
  /** Everyone who granted an approval in this run, each with the approval event. */
  approvedBy: Array<Cited<string>>;
  reason: Cited<string> | null;
}

export type ReadinessState = 'passed' | 'failed' | 'inconclusive' | 'skipped' | 'not run' | 'running';

export interface ReadinessRow {
  kind: 'phase' | 'gate';
  /** Phase name, or "gate <name> (<label>)". */
  name: string;
  state: Cited<ReadinessState>;
  /** Number of events behind this row (the eventIds are those events); null when there are none. */
  evidence: Cited<number> | null;
}

export interface MeasurementView {
  index: Cited<number> | null;
  time: Cited<string>;
  verdict: Cited<string>;
  value: Cited<number> | null;
  sampleCount: Cited<number> | null;
  /** Statistical judge figures (mann-whitney metrics only). */
  canaryMedian: Cited<number> | null;
  stableMedian: Cited<number> | null;
  pValue: Cited<number> | null;
  relativeEffect: Cited<number> | null;
}

export interface GateMetricView {
  name: string;
  query: string | null;
  /** Threshold or judge condition as the analysis stated it, e.g. "<= 0.01". */
  condition: string | null;
  judge: boolean;
  verdict: Cited<string> | null;
  /** Decisive value (the failing measurement, or the last). */
  value: Cited<number> | null;
  measurements: MeasurementView[];
}

export interface GateView {
  gate: string;
  label: string | null;
  stepKey: string | null;
  startedAt: Cited<string>;
  verdict: Cited<string> | null;
  score: Cited<number> | null;
  reason: Cited<string> | null;
  metrics: GateMetricView[];
}

export interface HealthCheckView {
  time: Cited<string>;
  check: string;
  ok: Cited<boolean>;
  detail: string;
}

export interface HealthTransitionView {
  time: Cited<string>;
  version: string;
  instance: string;
  healthy: Cited<boolean>;
  detail: string;
}

export interface MigrationView {
  version: Cited<number>;
  name: string;
  file: string;
  checksum: Cited<string>;
  durationMs: Cited<number> | null;
  statements: Cited<number> | null;
  verified: Cited<boolean> | null;
}

export interface BackupView {
  file: string;
  sizeBytes: Cited<number> | null;
  sha256: Cited<string> | null;
  tocEntries: Cited<number> | null;
  verified: Cited<boolean>;
  skipped: boolean;
}

export interface MigrationFailureView {
  version: Cited<number> | null;
  error: Cited<string>;
}

export interface TrafficPoint {
  time: Cited<string>;
  /** Percent per version at this time. */
  weights: Record<string, Cited<number>>;
  /** What moved traffic: weight, promoted, aborted, rolledBack. */
  cause: string;
}

export interface LoadView {
  time: Cited<string>;
  url: string;
  requests: Cited<number>;
  errors: Cited<number>;
  p50: Cited<number> | null;
  p95: Cited<number> | null;
  p99: Cited<number> | null;
}

export interface RollbackView {
  /** What failed: the gate verdict reason, the failed step's error, or the operator. */
  cause: Cited<string>;
  restoredTo: Cited<string> | null;
  /** From the decisive failure event to traffic back on the stable release. */
  timeToRestoreMs: Cited<number> | null;
  /** The plan's rollback hooks, when they ran. */
  hooks: { count: Cited<number>; failed: Cited<number> } | null;
}

export interface NotificationView {
  time: Cited<string>;
  event: string;
  target: Cited<number> | null;
  ok: Cited<boolean> | null;
  status: Cited<number> | null;
}

export type ClaimStatus = 'verified' | 'failed' | 'UNVERIFIED';

export interface ClaimView {
  text: string;
  status: ClaimStatus;
  /** The figure the claim was judged on, when the evidence has one. */
  figure: Cited<number> | null;
  unit: string | null;
  /** What the claim requires, read from its text; cites run.created, which recorded the plan. */
  threshold: { op: string; value: Cited<number> } | null;
  /** How the figure was computed, or why the claim is unverified. */
  explanation: string;
}

export type RuleState = 'holds' | 'broken' | 'unverified' | 'not applicable';

export interface DecisionRule {
  id: string;
  rule: string;
  state: RuleState;
  detail: string;
  eventIds: number[];
}

export interface Decision {
  decision: 'GO' | 'NO-GO';
  /** How the decision follows from the rules, stated in every report. */
  ruleText: string;
  rules: DecisionRule[];
}

/** One cited event: what the footnotes and eventIds point at. */
export interface EvidenceEntry {
  id: number;
  kind: string;
  time: string;
  stepKey: string | null;
  source: string;
}

export interface RunReport {
  schemaVersion: typeof reportSchemaVersion;
  summary: ReportSummary;
  readiness: ReadinessRow[];
  gates: GateView[];
  health: { checks: HealthCheckView[]; transitions: HealthTransitionView[] };
  migrations: { applied: MigrationView[]; backups: BackupView[]; failures: MigrationFailureView[] };
  load: LoadView[];
  traffic: TrafficPoint[];
  rollback: RollbackView | null;
  notifications: NotificationView[];
  claims: ClaimView[];
  decision: Decision;
  /** Every event the report cites, oldest first. */
  evidence: EvidenceEntry[];
}
