// When metrics are measured: interval, count, duration, the analysis window, and background runs.

import { describe, expect, it } from 'vitest';
import { scheduleOf } from '../../src/analysis/metric-schedule.js';
import type { MetricConfig } from '../../src/plan/types.js';

const m = (extra: Partial<MetricConfig>): MetricConfig => ({
  name: 'm',
  provider: 'router',
  query: 'error_rate',
  max: 0.01,
  ...extra,
});

describe('scheduleOf', () => {
  it('threshold metrics look every 10 s over the analysis window by default', () => {
    expect(scheduleOf(m({}), 120_000)).toEqual({ intervalMs: 10_000, count: 12 });
    expect(scheduleOf(m({}), 3000)).toEqual({ intervalMs: 3000, count: 1 });
  });

  it('interval and count or duration override the window', () => {
    expect(scheduleOf(m({ interval: '5s', count: 3 }), 120_000)).toEqual({ intervalMs: 5000, count: 3 });
    expect(scheduleOf(m({ interval: '5s', duration: '30s' }), 120_000)).toEqual({
      intervalMs: 5000,
      count: 6,
    });
    expect(scheduleOf(m({ count: 4 }), 120_000)).toEqual({ intervalMs: 30_000, count: 4 });
  });

  it('the judge compares once over the whole window unless told otherwise', () => {
    expect(scheduleOf(m({ judge: 'mann-whitney', max: undefined }), 120_000)).toEqual({
      intervalMs: 120_000,
      count: 1,
    });
    expect(scheduleOf(m({ judge: 'mann-whitney', max: undefined, interval: '30s' }), 120_000)).toEqual({
      intervalMs: 30_000,
      count: 4,
    });
  });

  it('background analysis measures until stopped', () => {
    expect(scheduleOf(m({}), Number.POSITIVE_INFINITY)).toEqual({
      intervalMs: 10_000,
      count: Number.POSITIVE_INFINITY,
    });
    expect(scheduleOf(m({ judge: 'mann-whitney' }), Number.POSITIVE_INFINITY).intervalMs).toBe(60_000);
    expect(scheduleOf(m({ count: 5, interval: '1s' }), Number.POSITIVE_INFINITY)).toEqual({
      intervalMs: 1000,
      count: 5,
    });
  });
});
