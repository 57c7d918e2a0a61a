// Gate scoring: weighted Pass ratio, critical metrics, thresholds, and NoData never passing.

import { describe, expect, it } from 'vitest';
import { certainFailure, scoreGate } from '../../src/analysis/gate-score.js';

describe('scoreGate', () => {
  it('all pass is 100 and passes', () => {
    const r = scoreGate([
      { name: 'a', class: 'Pass' },
      { name: 'b', class: 'Pass' },
    ]);
    expect(r).toMatchObject({ verdict: 'pass', score: 100 });
  });

  it('uses weights: 3 of 4 weight passing is 75, marginal → inconclusive', () => {
    const r = scoreGate([
      { name: 'a', class: 'Pass', weight: 3 },
      { name: 'b', class: 'High', weight: 1 },
    ]);
    expect(r).toMatchObject({ verdict: 'inconclusive', score: 75 });
  });

  it('below marginalScore fails; passScore and marginalScore are configurable', () => {
    const ms = [
      { name: 'a', class: 'Pass' as const },
      { name: 'b', class: 'Low' as const },
    ];
    expect(scoreGate(ms)).toMatchObject({ verdict: 'fail', score: 50 });
    expect(scoreGate(ms, { passScore: 50, marginalScore: 25 })).toMatchObject({ verdict: 'pass' });
    expect(scoreGate(ms, { passScore: 60, marginalScore: 40 })).toMatchObject({ verdict: 'inconclusive' });
  });

  it('a critical metric fails the gate outright even with a high score', () => {
    const ms = Array.from({ length: 30 }, (_, i) => ({ name: `m${i}`, class: 'Pass' as const }));
    const r = scoreGate([...ms, { name: 'errors', class: 'High', critical: true }]);
    expect(r.verdict).toBe('fail');
    expect(r.score).toBeGreaterThan(96);
    expect(r.explanation).toContain('critical metric errors failed');
  });

  it('no data is never a pass', () => {
    expect(scoreGate([{ name: 'a', class: 'NoData' }])).toMatchObject({
      verdict: 'inconclusive',
      score: null,
    });
    const r = scoreGate([
      { name: 'a', class: 'Pass' },
      { name: 'b', class: 'NoData' },
    ]);
    expect(r).toMatchObject({ verdict: 'inconclusive', score: 100, noData: ['b'] });
  });

  it('knows when a failure is certain before all metrics finish', () => {
    expect(certainFailure([{ name: 'a', class: 'High' }], [{}])).toBe(true); // at best 50
    expect(certainFailure([{ name: 'a', class: 'High' }], [{}, {}, {}])).toBe(false); // at best 75
    expect(certainFailure([{ name: 'a', class: 'High', critical: true }], [{}, {}, {}])).toBe(true);
    expect(certainFailure([{ name: 'a', class: 'NoData' }], [{}])).toBe(false);
  });
});
