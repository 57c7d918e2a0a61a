// The canary judge's classification: significance AND effect size beyond tolerance, in the watched
// direction; too few samples is NoData, never a pass.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/analysis/judge.js';

interface Case {
  name: string;
  x: number[];
  y: number[];
  hodgesLehmann: number;
  medianY: number;
  p: Record<'two.sided' | 'greater' | 'less', { default: number }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/judge/wilcox-reference.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
};
const byName = (name: string) => fixture.cases.find((c) => c.name === name) as Case;

const stable = Array.from({ length: 30 }, (_, i) => 100 + i); // 100..129, median 114.5
const shifted = (by: number) => stable.map((v) => v * by);

describe('judge', () => {
  it('calls a canary 50% slower High, with the numbers in the reason', () => {
    const r = judge(shifted(1.5), stable);
    expect(r.class).toBe('High');
    expect(r.relativeEffect).toBeGreaterThan(0.4);
    expect(r.pValue).toBeLessThan(0.02);
    expect(r.reason).toMatch(/canary is higher: median 171\.8 vs stable 114\.5/);
  });

  it('passes a significant shift that stays within tolerance', () => {
    const r = judge(shifted(1.05), stable, { tolerance: 0.1 });
    expect(r.class).toBe('Pass');
  });

  it('passes an improvement when watching for increases, flags it when watching either way', () => {
    expect(judge(shifted(0.5), stable).class).toBe('Pass');
    expect(judge(shifted(0.5), stable, { direction: 'either' }).class).toBe('Low');
    expect(judge(shifted(1.5), stable, { direction: 'decrease' }).class).toBe('Pass');
    expect(judge(shifted(0.5), stable, { direction: 'decrease' }).class).toBe('Low');
  });

  it('is NoData below minSamples, whatever the values', () => {
    const r = judge([1000, 2000, 3000], stable);
    expect(r.class).toBe('NoData');
    expect(r.reason).toContain('canary 3, stable 30, need at least 10');
    expect(judge(shifted(2), stable, { minSamples: 31 }).class).toBe('NoData');
  });

  it('tolerance 0 leaves significance alone to decide', () => {
    expect(judge(shifted(1.05), stable, { tolerance: 0 }).class).toBe('High');
  });

  it('stable median 0 with a non-zero shift is an infinite relative effect', () => {
    const zeros = Array.from({ length: 40 }, () => 0);
    const ones = Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0));
    const r = judge(ones, zeros);
    expect(r.class).toBe('High');
    expect(r.relativeEffect).toBe(Number.POSITIVE_INFINITY);
  });

  describe('decisions on R reference samples', () => {
    for (const name of [
      'lognormal-60-80-shift',
      'lognormal-200-200-null',
      'binary-errors-300-2700',
      'big-separation-25-30',
      'normal-15-20-null',
    ]) {
      it(name, () => {
        const c = byName(name);
        const r = judge(c.x, c.y, { confidence: 0.98, tolerance: 0.1 });
        // the verdict recomputed from R's p-value and R's Hodges-Lehmann estimate
        const effect = c.hodgesLehmann === 0 ? 0 : c.hodgesLehmann / Math.abs(c.medianY);
        const expected = c.p.greater.default < 0.02 && effect > 0.1 ? 'High' : 'Pass';
        expect(r.class).toBe(expected);
        expect(r.pValue).toBeCloseTo(c.p.greater.default, 12);
      });
    }
    it('the reference set exercises both outcomes', () => {
      expect(judge(byName('lognormal-60-80-shift').x, byName('lognormal-60-80-shift').y).class).toBe('High');
      expect(judge(byName('lognormal-200-200-null').x, byName('lognormal-200-200-null').y).class).toBe(
        'Pass',
      );
    });
  });
});
