// The analysis hook the strategies call (canary `analyze` steps, blue-green pre/post promotion
// analysis). The types mirror src/analysis/analyzer.ts structurally so the rollout code does not
// depend on the analysis package; the deploy step injects the real analyzer when it is present.

import type { GateConfig } from '../plan/types.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface AnalysisRequest {
  gateName: string;
  gate: GateConfig;
  durationMs: number;
  environment: string;
  home: string;
  canaryVersion: string;
  stableVersion: string | null;
  signal: AbortSignal;
  record(kind: string, data: Record<string, unknown>): Promise<number>;
  log(line: string): void;
}

export interface AnalysisResult {
  verdict: Verdict;
  score?: number;
  reason: string;
}

export type Analyzer = (req: AnalysisRequest) => Promise<AnalysisResult>;

/** Until the real analyzer is wired: waits the window, records it, answers inconclusive. */
export const recordOnlyAnalyzer: Analyzer = async (req) => {
  const from = Date.now();
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.max(0, req.durationMs));
    req.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
  await req.record('analysis.window', {
    gate: req.gateName,
    from,
    to: Date.now(),
    canary: req.canaryVersion,
    stable: req.stableVersion,
    note: 'no analyzer configured: window recorded only',
  });
  return {
    verdict: 'inconclusive',
    reason: `gate ${req.gateName}: no analyzer available, window recorded only`,
  };
};
