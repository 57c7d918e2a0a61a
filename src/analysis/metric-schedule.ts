// When a metric is measured: every `interval`, `count` times or for `duration`, or for the length of
// the analysis. A background analysis (no length) measures until it is stopped.

import type { MetricConfig } from '../plan/types.js';
import { parseDuration } from '../shared/duration.js';

export interface MetricSchedule {
  intervalMs: number;
  /** Number of measurements; Infinity for a background analysis. */
  count: number;
}

/** Threshold metrics look every 10 s by default: short enough to react within seconds. */
export const defaultThresholdIntervalMs = 10_000;
/** A judge in a background analysis compares releases once a minute by default. */
export const defaultBackgroundJudgeIntervalMs = 60_000;

/** windowMs: the analysis length; Infinity (or ≤ 0) for background analysis. */
export function scheduleOf(metric: MetricConfig, windowMs: number): MetricSchedule {
  const background = !Number.isFinite(windowMs) || windowMs <= 0;
  const explicit = metric.interval === undefined ? undefined : parseDuration(metric.interval);
  const durationMs = metric.duration === undefined ? undefined : parseDuration(metric.duration);
  const span = durationMs ?? (background ? undefined : windowMs);
  let intervalMs: number;
  if (explicit !== undefined && explicit > 0) intervalMs = explicit;
  else if (metric.count !== undefined && span !== undefined) {
    // count without interval: spread the measurements evenly over the window
    intervalMs = span / metric.count;
  } else if (metric.judge) {
    // why: one comparison over the whole window; repeated looks at the same data inflate false aborts
    intervalMs = span ?? defaultBackgroundJudgeIntervalMs;
  } else intervalMs = Math.min(span ?? defaultThresholdIntervalMs, defaultThresholdIntervalMs);
  intervalMs = Math.max(1, intervalMs);
  let count: number;
  if (metric.count !== undefined) count = metric.count;
  else if (span !== undefined) count = Math.max(1, Math.floor(span / intervalMs));
  else count = Number.POSITIVE_INFINITY;
  return { intervalMs, count };
}
