// The statistical canary judge: canary samples against stable samples from the same window.
// A metric is High (canary worse upwards), Low (downwards), Pass, or NoData; it is called High/Low
// only when the Mann–Whitney test is significant at `confidence` AND the Hodges–Lehmann shift,
// relative to the stable median, exceeds `tolerance` in the watched direction.

import { hodgesLehmannShift, median } from './hodges-lehmann.js';
import { type Alternative, mannWhitney } from './mann-whitney.js';

export type MetricClass = 'Pass' | 'High' | 'Low' | 'NoData';
export type Direction = 'increase' | 'decrease' | 'either';

export interface JudgeOptions {
  /** Which change counts against the canary (default increase: more latency, more errors). */
  direction?: Direction;
  /** Default 0.98: a change is significant when p < 1 − confidence. */
  confidence?: number;
  /** Relative effect size below which a significant change is still a pass (default 0.1). */
  tolerance?: number;
  /** Fewer samples than this in either release is NoData (default 10). */
  minSamples?: number;
}

export interface JudgeResult {
  class: MetricClass;
  canaryCount: number;
  stableCount: number;
  canaryMedian: number | null;
  stableMedian: number | null;
  /** Hodges–Lehmann shift canary − stable. */
  shift: number | null;
  /** shift / |stable median|; ±Infinity when the stable median is 0 and the shift is not. */
  relativeEffect: number | null;
  pValue: number | null;
  u: number | null;
  method: 'exact' | 'normal' | null;
  confidence: number;
  tolerance: number;
  direction: Direction;
  /** One sentence for people: what was compared and why this class. */
  reason: string;
}

export const judgeDefaults = {
  direction: 'increase',
  confidence: 0.98,
  tolerance: 0.1,
  minSamples: 10,
} as const;

export function judge(
  canary: readonly number[],
  stable: readonly number[],
  options: JudgeOptions = {},
): JudgeResult {
  const direction = options.direction ?? judgeDefaults.direction;
  const confidence = options.confidence ?? judgeDefaults.confidence;
  const tolerance = options.tolerance ?? judgeDefaults.tolerance;
  const minSamples = options.minSamples ?? judgeDefaults.minSamples;
  const base = { canaryCount: canary.length, stableCount: stable.length, confidence, tolerance, direction };
  if (canary.length < minSamples || stable.length < minSamples) {
    return {
      ...base,
      class: 'NoData',
      canaryMedian: canary.length ? median(canary) : null,
      stableMedian: stable.length ? median(stable) : null,
      shift: null,
      relativeEffect: null,
      pValue: null,
      u: null,
      method: null,
      reason: `not enough samples: canary ${canary.length}, stable ${stable.length}, need at least ${minSamples} each`,
    };
  }
  const alternative: Alternative =
    direction === 'increase' ? 'greater' : direction === 'decrease' ? 'less' : 'two-sided';
  const test = mannWhitney(canary, stable, { alternative });
  const canaryMedian = median(canary);
  const stableMedian = median(stable);
  const shift = hodgesLehmannShift(canary, stable);
  const relativeEffect =
    shift === 0
      ? 0
      : stableMedian === 0
        ? Math.sign(shift) * Number.POSITIVE_INFINITY
        : shift / Math.abs(stableMedian);
  const significant = test.pValue < 1 - confidence;
  let cls: MetricClass = 'Pass';
  if (significant && relativeEffect > tolerance && direction !== 'decrease') cls = 'High';
  else if (significant && relativeEffect < -tolerance && direction !== 'increase') cls = 'Low';
  const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : v > 0 ? '+∞' : '−∞');
  const effectText = `${relativeEffect >= 0 ? '+' : ''}${pct(relativeEffect)}`;
  const reason =
    cls === 'Pass'
      ? `canary median ${fmt(canaryMedian)} vs stable ${fmt(stableMedian)}: shift ${effectText} (tolerance ${pct(tolerance)}), p=${fmtP(test.pValue)} (needs < ${fmtP(1 - confidence)} to count)`
      : `canary is ${cls === 'High' ? 'higher' : 'lower'}: median ${fmt(canaryMedian)} vs stable ${fmt(stableMedian)}, shift ${effectText} beyond tolerance ${pct(tolerance)}, p=${fmtP(test.pValue)} < ${fmtP(1 - confidence)}`;
  return {
    ...base,
    class: cls,
    canaryMedian,
    stableMedian,
    shift,
    relativeEffect,
    pValue: test.pValue,
    u: test.u,
    method: test.method,
    reason: `${reason} (n=${canary.length}/${stable.length})`,
  };
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}
