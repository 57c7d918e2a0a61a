// The router provider's reading of the agent's per-release windows. The agent client is replaced by
// a function returning windows (the agent itself is tested by its own team); this pins the mapping
// from window to value, sample count and samples.

import { describe, expect, it } from 'vitest';
import type { MetricQuery } from '../../../src/providers/metrics/metric-provider.js';
import {
  createRouterMetricProvider,
  type RouterWindow,
} from '../../../src/providers/metrics/router-metric-provider.js';

const window = (version: string, requests: number, errors: number): RouterWindow => ({
  version,
  from: 1000,
  to: 11_000,
  requests,
  errors,
  latencyMs: { p50: 12, p95: 40, p99: 90 },
  samples: [10, 12, 40],
});

function query(q: string, version = '2.0.0'): MetricQuery {
  return {
    metric: { name: 'm', provider: 'router', query: q },
    query: q,
    role: 'canary',
    version,
    environment: 'production',
    home: '/home',
    range: { from: 1000, to: 11_000 },
    signal: new AbortController().signal,
  };
}

describe('router provider', () => {
  const asked: unknown[] = [];
  const p = createRouterMetricProvider(async (home, env, range) => {
    asked.push({ home, env, range });
    return [window('1.0.0', 1000, 1), window('2.0.0', 200, 10)];
  });

  it('error_rate is errors / requests, with one 0/1 sample per request for the judge', async () => {
    const r = await p.read(query('error_rate'));
    expect(r.value).toBe(0.05);
    expect(r.sampleCount).toBe(200);
    expect(r.samples.filter((s) => s === 1)).toHaveLength(10);
    expect(r.samples).toHaveLength(200);
    expect(asked[0]).toEqual({ home: '/home', env: 'production', range: { from: 1000, to: 11_000 } });
  });

  it('request_rate per second, percentiles, and raw latency samples', async () => {
    expect((await p.read(query('request_rate'))).value).toBe(20);
    expect((await p.read(query('latency_p95'))).value).toBe(40);
    expect(await p.read(query('latency'))).toMatchObject({
      value: 12,
      samples: [10, 12, 40],
      sampleCount: 3,
    });
  });

  it('a release without requests in the window is no data', async () => {
    expect(await p.read(query('error_rate', '3.0.0'))).toMatchObject({ value: null, sampleCount: 0 });
  });

  it('unknown queries are plan errors; an unreachable agent is a provider error', async () => {
    await expect(p.read(query('error_ratio'))).rejects.toMatchObject({ code: 'INVALID_PLAN' });
    const down = createRouterMetricProvider(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(down.read(query('error_rate'))).rejects.toThrow(
      'router metrics unavailable: connect ECONNREFUSED',
    );
  });
});
