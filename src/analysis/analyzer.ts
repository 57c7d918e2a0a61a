// The analysis hook the rollout strategies call (canary analyze steps, blue-green pre/post
// promotion analysis, background analysis): runs one gate and answers pass / fail / inconclusive
// with a reason that names the metric, the value, the threshold and when.

import type { GateConfig, MetricConfig } from '../plan/types.js';
import type { MetricProvider } from '../providers/metrics/metric-provider.js';
import { runGate } from './gate-runner.js';
import type { Verdict } from './gate-score.js';

export type { Verdict } from './gate-score.js';

export interface AnalysisRequest {
  gateName: string;
  gate: GateConfig;
  /** Length of the analysis; Infinity (or ≤ 0) runs a background analysis until `signal` aborts. */
  durationMs: number;
  environment: string;
  home: string;
  canaryVersion: string;
  stableVersion: string | null;
  /** Aborting a timed analysis throws CANCELLED; aborting a background analysis returns its verdict so far. */
  signal: AbortSignal;
  /** Records evidence; returns the event id. */
  record(kind: string, data: Record<string, unknown>): Promise<number>;
  log(line: string): void;
}

export interface AnalysisResult {
  verdict: Verdict;
  score?: number;
  /** Names metric, value, threshold and time. */
  reason: string;
}

export type Analyzer = (req: AnalysisRequest) => Promise<AnalysisResult>;

export interface AnalyzerOptions {
  providerFor?: (metric: MetricConfig) => MetricProvider;
}

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  return async (req) => {
    const outcome = await runGate({
      gateName: req.gateName,
      gate: req.gate,
      windowMs: req.durationMs,
      environment: req.environment,
      home: req.home,
      canaryVersion: req.canaryVersion,
      stableVersion: req.stableVersion,
      signal: req.signal,
      record: req.record,
      log: req.log,
      ...(options.providerFor && { providerFor: options.providerFor }),
    });
    const score = outcome.score ?? undefined;
    if (outcome.verdict === 'inconclusive' && req.gate.onInconclusive === 'fail') {
      return {
        verdict: 'fail',
        ...(score !== undefined && { score }),
        reason: `${outcome.reason}; onInconclusive: fail`,
      };
    }
    return { verdict: outcome.verdict, ...(score !== undefined && { score }), reason: outcome.reason };
  };
}

/** The analyzer with the real metric providers. */
export const analyze: Analyzer = createAnalyzer();
