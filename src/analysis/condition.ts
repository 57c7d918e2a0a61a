// A metric's condition, checked once when a gate starts: max and/or min thresholds, or the
// statistical judge. Turns a measured value into pass/fail with a sentence naming both numbers.

import type { MetricConfig } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import { type JudgeOptions, judgeDefaults } from './judge.js';
import { formatLike, type ParsedThreshold, parseThreshold, parseTolerance } from './threshold-value.js';

export type Condition =
  | { kind: 'threshold'; max?: ParsedThreshold; min?: ParsedThreshold; text: string }
  | { kind: 'judge'; options: Required<JudgeOptions>; text: string };

export function conditionOf(metric: MetricConfig, gateName: string): Condition {
  const where = `gates.${gateName}.metrics[${metric.name}]`;
  const hasThreshold = metric.max !== undefined || metric.min !== undefined;
  if (metric.judge && hasThreshold) {
    throw new RollgateError('INVALID_PLAN', `${where}: use either judge or max/min, not both`);
  }
  if (metric.judge === 'mann-whitney') {
    const options: Required<JudgeOptions> = {
      direction: metric.direction ?? judgeDefaults.direction,
      confidence: metric.confidence ?? judgeDefaults.confidence,
      tolerance: parseTolerance(metric.tolerance, `${where}.tolerance`),
      minSamples: metric.minSamples ?? judgeDefaults.minSamples,
    };
    return {
      kind: 'judge',
      options,
      text: `mann-whitney ${options.direction}, confidence ${options.confidence}, tolerance ${Math.round(options.tolerance * 1000) / 10}%`,
    };
  }
  if (!hasThreshold) {
    throw new RollgateError(
      'INVALID_PLAN',
      `${where}: a metric needs a condition: max, min or judge: mann-whitney`,
    );
  }
  const max = metric.max === undefined ? undefined : parseThreshold(metric.max, `${where}.max`);
  const min = metric.min === undefined ? undefined : parseThreshold(metric.min, `${where}.min`);
  const text = [max && `max ${max.text}`, min && `min ${min.text}`].filter(Boolean).join(', ');
  return { kind: 'threshold', ...(max && { max }), ...(min && { min }), text };
}

export interface ThresholdCheck {
  verdict: 'pass' | 'fail';
  /** Which bound failed: High above max, Low below min. */
  side?: 'High' | 'Low';
  /** e.g. "5.2% > max 1%" or "0.4% ≤ max 1%". */
  text: string;
}

export function checkThreshold(c: Extract<Condition, { kind: 'threshold' }>, value: number): ThresholdCheck {
  const unit = (c.max ?? c.min)?.unit ?? 'number';
  const shown = formatLike(value, unit);
  if (c.max && value > c.max.value)
    return { verdict: 'fail', side: 'High', text: `${shown} > max ${c.max.text}` };
  if (c.min && value < c.min.value)
    return { verdict: 'fail', side: 'Low', text: `${shown} < min ${c.min.text}` };
  const parts = [c.max && `≤ max ${c.max.text}`, c.min && `≥ min ${c.min.text}`].filter(Boolean).join(', ');
  return { verdict: 'pass', text: `${shown} ${parts}` };
}
