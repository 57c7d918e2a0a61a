// Thresholds as written in plans: numbers, percentages, durations; tolerances; readable rendering.

import { describe, expect, it } from 'vitest';
import { formatLike, parseThreshold, parseTolerance } from '../../src/analysis/threshold-value.js';

describe('parseThreshold', () => {
  it('reads numbers, percentages and durations', () => {
    expect(parseThreshold(0.01, 'max')).toEqual({ value: 0.01, text: '0.01', unit: 'number' });
    expect(parseThreshold('1%', 'max')).toEqual({ value: 0.01, text: '1%', unit: 'percent' });
    expect(parseThreshold('2s', 'max')).toEqual({ value: 2000, text: '2s', unit: 'ms' });
    expect(parseThreshold('250ms', 'max').value).toBe(250);
    expect(parseThreshold('12.5', 'max')).toMatchObject({ value: 12.5, unit: 'number' });
  });

  it('rejects anything else with the field and what was expected', () => {
    expect(() => parseThreshold('fast', 'gates.slo.metrics[p95].max')).toThrow(
      'gates.slo.metrics[p95].max: expected a number, a percentage such as "1%" or a duration such as "2s", got "fast"',
    );
  });
});

describe('parseTolerance', () => {
  it('accepts 0.1 and "10%" alike, defaults to 10%', () => {
    expect(parseTolerance(0.1, 't')).toBe(0.1);
    expect(parseTolerance('10%', 't')).toBe(0.1);
    expect(parseTolerance(undefined, 't')).toBe(0.1);
  });
  it('rejects durations and negative tolerances', () => {
    expect(() => parseTolerance('2s', 't')).toThrow(/relative tolerance/);
    expect(() => parseTolerance(-0.1, 't')).toThrow(/relative tolerance/);
  });
});

describe('formatLike', () => {
  it('shows a value in the unit of its threshold', () => {
    expect(formatLike(0.0523, 'percent')).toBe('5.23%');
    expect(formatLike(2500, 'ms')).toBe('2500ms');
    expect(formatLike(0.123456, 'number')).toBe('0.1235');
  });
});
