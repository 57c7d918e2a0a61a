// Threshold and tolerance values as written in a plan: a number (0.01), a percentage ("1%" → 0.01)
// or a duration ("2s" → 2000, compared with metrics measured in milliseconds).

import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';

export interface ParsedThreshold {
  value: number;
  /** The text as written, for reasons shown to people. */
  text: string;
  unit: 'number' | 'percent' | 'ms';
}

const percentPattern = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/;
const numberPattern = /^\s*-?\d+(?:\.\d+)?(?:e-?\d+)?\s*$/i;

/** Parses a threshold; `field` names the plan field in the error message. */
export function parseThreshold(raw: number | string, field: string): ParsedThreshold {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw invalid(raw, field);
    return { value: raw, text: String(raw), unit: 'number' };
  }
  const pct = percentPattern.exec(raw);
  if (pct) return { value: Number(pct[1]) / 100, text: raw.trim(), unit: 'percent' };
  if (numberPattern.test(raw)) return { value: Number(raw), text: raw.trim(), unit: 'number' };
  const ms = parseDuration(raw);
  if (ms !== undefined) return { value: ms, text: raw.trim(), unit: 'ms' };
  throw invalid(raw, field);
}

/** A relative tolerance: 0.1 or "10%" both mean ten percent. */
export function parseTolerance(raw: number | string | undefined, field: string): number {
  if (raw === undefined) return defaultTolerance;
  const t = parseThreshold(raw, field);
  if (t.unit === 'ms' || t.value < 0) {
    throw new RollgateError(
      'INVALID_PLAN',
      `${field}: expected a relative tolerance such as 0.1 or "10%", got ${JSON.stringify(raw)}`,
    );
  }
  return t.value;
}

/**
 * Default judge tolerance: a canary must be at least 10% worse than stable before the judge calls it.
 * why: with hundreds of samples a rank test finds 1% differences significant; a tolerance keeps
 * the A/A false-abort rate near zero without costing power against real regressions.
 */
export const defaultTolerance = 0.1;

function invalid(raw: unknown, field: string): RollgateError {
  return new RollgateError(
    'INVALID_PLAN',
    `${field}: expected a number, a percentage such as "1%" or a duration such as "2s", got ${JSON.stringify(raw)}`,
  );
}

/** Renders a measured value in the threshold's unit, so "0.052 > 1%" reads as "5.2% > 1%". */
export function formatLike(value: number, unit: ParsedThreshold['unit']): string {
  if (unit === 'percent') return `${round(value * 100)}%`;
  if (unit === 'ms') return `${round(value)}ms`;
  return String(round(value));
}

function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (Math.abs(v) >= 100) return Math.round(v * 10) / 10;
  return Number(v.toPrecision(4));
}
