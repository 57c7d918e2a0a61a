// The plan after loading: sections typed by the schema, steps normalized to {kind, params}.

import type { EnvironmentConfig, TargetConfig } from './schema/environment.js';
import type { GateConfig, MetricConfig } from './schema/gate.js';
import type { ServiceConfig } from './schema/service.js';

export type { EnvironmentConfig, GateConfig, MetricConfig, ServiceConfig, TargetConfig };

export interface SourcePosition {
  line: number;
  col: number;
}

export interface PlanStep {
  /** "<phase>/<index>", stable across resumes of one plan text. */
  key: string;
  phase: string;
  index: number;
  kind: string;
  /** The value under the kind's key, validated by the kind's schema, not yet interpolated. */
  params: unknown;
  /** name, or a label derived from the kind and params. */
  name: string;
  /** True when the plan gave the step a name. */
  named: boolean;
  timeoutMs?: number;
  retries: number;
  continueOnError: boolean;
  position: SourcePosition;
}

export interface PlanPhase {
  name: string;
  needs: string[];
  parallel: boolean;
  steps: PlanStep[];
  position: SourcePosition;
}

export interface NotifyTarget {
  webhook: string;
  on?: string[];
}

export interface Plan {
  /** Absolute path of the plan file. */
  file: string;
  /** Directory of the plan file. */
  dir: string;
  /** The YAML text the plan was loaded from. */
  text: string;
  app: string;
  service?: ServiceConfig;
  environments: Record<string, EnvironmentConfig>;
  phases: PlanPhase[];
  gates: Record<string, GateConfig>;
  rollback: { on: string[]; hooks: PlanStep[] };
  notify: NotifyTarget[];
  claims: string[];
}
