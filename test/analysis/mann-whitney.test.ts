// The rank test against hand-worked cases and against R's wilcox.test (fixture made by
// test/fixtures/judge/wilcox-reference.R; R is not needed to run these tests).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hodgesLehmannShift, median } from '../../src/analysis/hodges-lehmann.js';
import { type Alternative, mannWhitney } from '../../src/analysis/mann-whitney.js';
import { exactUDistribution } from '../../src/analysis/mann-whitney-exact.js';
import { normalCdf } from '../../src/analysis/normal-distribution.js';
import { midRanks } from '../../src/analysis/ranks.js';

interface PValues {
  default: number;
  normal: number;
  normalNoCorrection: number;
  exact: number | null;
}
interface Case {
  name: string;
  x: number[];
  y: number[];
  W: number;
  ties: boolean;
  defaultMethod: 'exact' | 'normal';
  hodgesLehmann: number;
  medianX: number;
  medianY: number;
  p: Record<'two.sided' | 'greater' | 'less', PValues>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/judge/wilcox-reference.json', import.meta.url), 'utf8'),
) as { cases: Case[]; pnorm: { z: number; p: number }[] };

const alternatives: [keyof Case['p'], Alternative][] = [
  ['two.sided', 'two-sided'],
  ['greater', 'greater'],
  ['less', 'less'],
];

/** p-values agree to 1e-9 relative (or 1e-15 absolute near zero). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-15, Math.abs(expected) * 1e-9));
}

describe('hand-worked cases', () => {
  it('ranks tied values by the mean of their positions', () => {
    expect(midRanks([3, 1, 2, 2])).toEqual({ ranks: [4, 1, 2.5, 2.5], tieGroups: [2] });
  });

  it('gives the exact distribution of U for 2 against 2 (six arrangements)', () => {
    // U = 0,1,2,3,4 occurs 1,1,2,1,1 times out of C(4,2) = 6
    expect(Array.from(exactUDistribution(2, 2)).map((p) => p * 6)).toEqual(
      [1, 1, 2, 1, 1].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('fully separated samples of 3: U = 0 and p = 1/20 one-sided', () => {
    const r = mannWhitney([1, 2, 3], [4, 5, 6], { alternative: 'less' });
    expect(r.u).toBe(0);
    expect(r.method).toBe('exact');
    expectClose(r.pValue, 1 / 20);
    expectClose(mannWhitney([1, 2, 3], [4, 5, 6]).pValue, 2 / 20);
  });

  it('normal approximation with ties: x=[1,2,2], y=[2,3,3] gives z = -sqrt(2)', () => {
    // ranks 1, 3,3,3, 5.5,5.5; U = 7 - 6 = 1; var = 9/12 * (7 - (24+6)/30) = 4.5; z = (1-4.5+0.5)/sqrt(4.5)
    const r = mannWhitney([1, 2, 2], [2, 3, 3], { alternative: 'less' });
    expect(r.u).toBe(1);
    expect(r.method).toBe('normal');
    expect(r.z).toBeCloseTo(-Math.SQRT2, 12);
    expectClose(r.pValue, 0.07864960352514258);
  });

  it('all values equal: no evidence either way', () => {
    expect(mannWhitney([5, 5, 5], [5, 5]).pValue).toBe(1);
  });

  it('Hodges-Lehmann is the median of pairwise differences', () => {
    // differences 1-0, 1-2, 5-0, 5-2 = 1, -1, 5, 3 → median (1+3)/2
    expect(hodgesLehmannShift([1, 5], [0, 2])).toBe(2);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => mannWhitney([], [1])).toThrow(RangeError);
    expect(() => mannWhitney([Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('normal distribution function against R pnorm', () => {
  for (const { z, p } of fixture.pnorm) {
    it(`pnorm(${z})`, () => {
      expect(Math.abs(normalCdf(z) - p)).toBeLessThanOrEqual(Math.max(1e-300, p * 1e-12));
    });
  }
});

describe('against R wilcox.test', () => {
  for (const c of fixture.cases) {
    describe(c.name, () => {
      it('U statistic, default method and Hodges-Lehmann shift', () => {
        const r = mannWhitney(c.x, c.y);
        expect(r.u).toBe(c.W);
        expect(r.method).toBe(c.defaultMethod);
        expect(r.ties).toBe(c.ties);
        expect(hodgesLehmannShift(c.x, c.y)).toBeCloseTo(c.hodgesLehmann, 12);
        expect(median(c.x)).toBe(c.medianX);
      });
      for (const [rName, alternative] of alternatives) {
        it(`${rName} p-values (default, normal with and without correction, exact)`, () => {
          const ref = c.p[rName];
          expectClose(mannWhitney(c.x, c.y, { alternative }).pValue, ref.default);
          expectClose(mannWhitney(c.x, c.y, { alternative, method: 'normal' }).pValue, ref.normal);
          expectClose(
            mannWhitney(c.x, c.y, { alternative, method: 'normal', continuity: false }).pValue,
            ref.normalNoCorrection,
          );
          // the exact distribution of 200 × 200 costs seconds and auto never picks it; smaller cases cover it
          if (ref.exact !== null && c.x.length * c.y.length <= 10_000)
            expectClose(mannWhitney(c.x, c.y, { alternative, method: 'exact' }).pValue, ref.exact);
        });
      }
    });
  }
});
