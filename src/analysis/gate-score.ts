// The gate score: Pass / (Pass + High + Low) × 100 over weighted metric classes. NoData is left out
// of the ratio but never counts as a pass: a gate with a NoData metric can at best be inconclusive.
// A critical metric that is High or Low fails the gate whatever the score.

import type { MetricClass } from './judge.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Error: the metric's provider failed more often in a row than consecutiveErrorLimit allows. */
export type ScoredClass = MetricClass | 'Error';

export interface ScoredMetric {
  name: string;
  class: ScoredClass;
  weight?: number;
  critical?: boolean;
}

export interface GateScoreOptions {
  /** Default 95. */
  passScore?: number;
  /** Default 75; a score from here up to passScore is inconclusive. */
  marginalScore?: number;
}

export interface GateScore {
  verdict: Verdict;
  /** null when no metric had data. */
  score: number | null;
  /** Names of critical metrics that failed. */
  criticalFailures: string[];
  noData: string[];
  explanation: string;
}

export const scoreDefaults = { passScore: 95, marginalScore: 75 } as const;

export function scoreGate(metrics: readonly ScoredMetric[], options: GateScoreOptions = {}): GateScore {
  const passScore = options.passScore ?? scoreDefaults.passScore;
  const marginalScore = Math.min(options.marginalScore ?? scoreDefaults.marginalScore, passScore);
  let passed = 0;
  let judged = 0;
  const criticalFailures: string[] = [];
  const noData: string[] = [];
  for (const m of metrics) {
    const w = m.weight ?? 1;
    if (m.class === 'NoData') {
      noData.push(m.name);
      continue;
    }
    judged += w;
    if (m.class === 'Pass') passed += w;
    else if (m.critical) criticalFailures.push(m.name);
  }
  const score = judged > 0 ? (passed / judged) * 100 : null;
  const scoreText = score === null ? 'no score' : `score ${round(score)}`;
  if (criticalFailures.length > 0) {
    return {
      verdict: 'fail',
      score,
      criticalFailures,
      noData,
      explanation: `critical metric ${criticalFailures.join(', ')} failed (${scoreText})`,
    };
  }
  if (score === null) {
    return {
      verdict: 'inconclusive',
      score,
      criticalFailures,
      noData,
      explanation: `no metric had data (${noData.join(', ')})`,
    };
  }
  if (score < marginalScore) {
    return {
      verdict: 'fail',
      score,
      criticalFailures,
      noData,
      explanation: `${scoreText} below marginalScore ${marginalScore}`,
    };
  }
  if (score < passScore) {
    return {
      verdict: 'inconclusive',
      score,
      criticalFailures,
      noData,
      explanation: `${scoreText} between marginalScore ${marginalScore} and passScore ${passScore}`,
    };
  }
  if (noData.length > 0) {
    return {
      verdict: 'inconclusive',
      score,
      criticalFailures,
      noData,
      explanation: `${scoreText} but ${noData.join(', ')} had no data, and no data is never a pass`,
    };
  }
  return {
    verdict: 'pass',
    score,
    criticalFailures,
    noData,
    explanation: `${scoreText} ≥ passScore ${passScore}`,
  };
}

/**
 * The best score the gate could still reach if every unfinished metric passed. Lets the runner
 * fail a gate early, as soon as the outcome is certain, instead of waiting out the window.
 */
export function certainFailure(
  finished: readonly ScoredMetric[],
  pending: readonly { weight?: number }[],
  options: GateScoreOptions = {},
): boolean {
  const marginalScore = Math.min(
    options.marginalScore ?? scoreDefaults.marginalScore,
    options.passScore ?? scoreDefaults.passScore,
  );
  if (finished.some((m) => m.critical && m.class !== 'Pass' && m.class !== 'NoData')) return true;
  let passed = 0;
  let judged = 0;
  for (const m of finished) {
    if (m.class === 'NoData') continue;
    judged += m.weight ?? 1;
    if (m.class === 'Pass') passed += m.weight ?? 1;
  }
  for (const p of pending) {
    judged += p.weight ?? 1;
    passed += p.weight ?? 1;
  }
  return judged > 0 && (passed / judged) * 100 < marginalScore;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
