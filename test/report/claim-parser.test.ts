import { describe, expect, it } from 'vitest';
import { parseClaim } from '../../src/report/claim-parser.js';

describe('parseClaim', () => {
  it.each([
    ['p95 < 200ms', { metric: { kind: 'latency', percentile: 95 }, op: '<', value: 200 }],
    ['p99 latency under 1s', { metric: { kind: 'latency', percentile: 99 }, op: '<', value: 1000 }],
    ['p50 <= 0.5 s', { metric: { kind: 'latency', percentile: 50 }, op: '<=', value: 500 }],
    ['error rate < 1%', { metric: { kind: 'error-rate' }, op: '<', value: 0.01 }],
    ['error-rate <= 0.005', { metric: { kind: 'error-rate' }, op: '<=', value: 0.005 }],
    ['zero failed requests during rollout', { metric: { kind: 'failed-requests' }, op: '=', value: 0 }],
    ['no failed requests', { metric: { kind: 'failed-requests' }, op: '=', value: 0 }],
    ['99.9% uptime', { metric: { kind: 'availability' }, op: '>=', value: 0.999 }],
    ['availability at least 99.5%', { metric: { kind: 'availability' }, op: '>=', value: 0.995 }],
    ['rollback within 30 s', { metric: { kind: 'rollback-time' }, op: '<=', value: 30_000 }],
    ['rollback time < 2 minutes', { metric: { kind: 'rollback-time' }, op: '<', value: 120_000 }],
    ['deploy duration under 10m', { metric: { kind: 'deploy-duration' }, op: '<', value: 600_000 }],
  ])('%s', (text, expected) => {
    expect(parseClaim(text)).toEqual(expected);
  });

  it.each([
    'zero vulnerabilities',
    'all targets exceeded',
    'latency is fine',
    'rollback within 30 parsecs',
    'error rate < 5 ms',
  ])('cannot read "%s" and says so (undefined, reported UNVERIFIED)', (text) => {
    expect(parseClaim(text)).toBeUndefined();
  });
});
