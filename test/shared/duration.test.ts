// Durations: the text forms plans and flags accept, and the short form shown to people.

import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/shared/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['0.25m', 15_000],
    ['0ms', 0],
    ['0.0001s', 0],
    ['1.0005s', 1001],
    ['  2s\t', 2000],
    ['007s', 7000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('"m" is minutes and "ms" milliseconds, even side by side', () => {
    expect(parseDuration('1m1ms')).toBe(60_001);
    expect(parseDuration('1ms1m')).toBe(60_001);
  });

  it.each([
    '',
    ' ',
    '5',
    's',
    'ms',
    '1 s',
    '1.s',
    '.5s',
    '-1s',
    '+1s',
    '1S',
    '1sec',
    '1min',
    '1w',
    '1e3ms',
    '1,5s',
    '1s ms',
    'PT1S',
    '∞s',
    '٣s',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [0.4, '0ms'],
    [1, '1ms'],
    [999.4, '999ms'],
    [999.6, '1.00s'],
    [1000, '1.00s'],
    [1234, '1.23s'],
    [9994, '9.99s'],
    [9999, '10.0s'],
    [10_000, '10.0s'],
    [59_949, '59.9s'],
    [59_999, '1m'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [119_999, '2m'],
    [125_400, '2m5s'],
    [3_600_000, '60m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows a unit overflowing into the next one', () => {
    for (let ms = 0; ms < 200_000; ms += 7.3) {
      const text = formatDuration(ms);
      expect(text).not.toMatch(/^1000ms$|^60(\.0+)?s$|m60s$/);
    }
  });

  it('whole minutes and seconds round-trip through parseDuration', () => {
    for (const ms of [60_000, 90_000, 3_599_000, 61_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
