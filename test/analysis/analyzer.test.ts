// The gate runner through the Analyzer contract: thresholds pass and fail as configured, no data is
// inconclusive, provider errors count against consecutiveErrorLimit, dryRun never decides, the
// judge compares canary with stable, and every measurement is recorded with its numbers.
// Metric sources are scripted providers (the real providers have their own tests).

import { describe, expect, it } from 'vitest';
import { type AnalysisRequest, createAnalyzer } from '../../src/analysis/analyzer.js';
import type { GateConfig, MetricConfig } from '../../src/plan/types.js';
import type {
  MetricProvider,
  MetricQuery,
  MetricReading,
} from '../../src/providers/metrics/metric-provider.js';

type Script = (q: MetricQuery, call: number) => MetricReading | Error;

/** A provider answering from a script keyed by metric name; counts calls per metric and role. */
function scripted(scripts: Record<string, Script>) {
  const calls = new Map<string, number>();
  const provider: MetricProvider = {
    name: 'scripted',
    async read(q) {
      const key = `${q.metric.name}/${q.role}`;
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      const script = scripts[q.metric.name];
      if (!script) throw new Error(`no script for ${q.metric.name}`);
      const r = script(q, n);
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return { providerFor: (_m: MetricConfig) => provider, calls };
}

const value = (v: number | null, sampleCount = 100): MetricReading => ({
  value: v,
  sampleCount,
  samples: [],
});

interface Recorded {
  kind: string;
  data: Record<string, unknown>;
}

function request(gate: GateConfig, overrides: Partial<AnalysisRequest> = {}) {
  const events: Recorded[] = [];
  const req: AnalysisRequest = {
    gateName: 'slo',
    gate,
    durationMs: 100,
    environment: 'staging',
    home: '/nonexistent',
    canaryVersion: '2.0.0',
    stableVersion: '1.0.0',
    signal: new AbortController().signal,
    record: async (kind, data) => {
      events.push({ kind, data });
      return events.length;
    },
    log: () => {},
    ...overrides,
  };
  return { req, events };
}

const metric = (m: Partial<MetricConfig> & { name: string }): MetricConfig => ({
  provider: 'router',
  query: 'error_rate',
  interval: '20ms',
  ...m,
});

describe('threshold gates', () => {
  it('pass when every measurement is within bounds, one measurement event each', async () => {
    const { providerFor } = scripted({ errors: () => value(0.001), p95: () => value(180) });
    const { req, events } = request({
      metrics: [
        metric({ name: 'errors', max: '1%' }),
        metric({ name: 'p95', query: 'latency_p95', max: '2s', count: 2 }),
      ],
    });
    const r = await createAnalyzer({ providerFor })(req);
    expect(r.verdict).toBe('pass');
    expect(r.score).toBe(100);
    const ms = events.filter((e) => e.kind === 'analysis.measurement');
    expect(ms.filter((e) => e.data.metric === 'errors')).toHaveLength(5); // 100ms window / 20ms interval
    expect(ms.filter((e) => e.data.metric === 'p95')).toHaveLength(2); // count wins
    expect(ms[0]?.data).toMatchObject({ gate: 'slo', verdict: 'pass', sampleCount: 100 });
    expect(events.at(-1)?.kind).toBe('analysis.verdict');
  });

  it('fails at the first measurement over max, and the reason names metric, value, threshold and time', async () => {
    const { providerFor, calls } = scripted({ errors: (_q, n) => value(n === 2 ? 0.052 : 0.001) });
    const { req, events } = request(
      { metrics: [metric({ name: 'errors', max: '1%' })] },
      { durationMs: 10_000 },
    );
    const r = await createAnalyzer({ providerFor })(req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/errors: 5\.2% > max 1% .*at \d{4}-\d\d-\d\dT[\d:.]+Z \(measurement 2 of 500\)/);
    expect(calls.get('errors/canary')).toBe(2); // did not wait out the 10 s window
    const verdict = events.find((e) => e.kind === 'analysis.verdict');
    expect(verdict?.data).toMatchObject({ verdict: 'fail', score: 0 });
    expect((verdict?.data.metrics as { value: number; condition: string }[] | undefined)?.[0]).toMatchObject({
      value: 0.052,
      condition: 'max 1%',
    });
  });

  it('min thresholds, durations in ms, and failureLimit tolerating isolated failures', async () => {
    const { providerFor } = scripted({
      throughput: (_q, n) => value(n === 1 ? 5 : 50),
      p99: () => value(2500),
    });
    const lenient = request({ metrics: [metric({ name: 'throughput', min: 10, failureLimit: 1 })] });
    expect((await createAnalyzer({ providerFor })(lenient.req)).verdict).toBe('pass');
    const strict = request({ metrics: [metric({ name: 'p99', max: '2s' })] });
    const r = await createAnalyzer({ providerFor })(strict.req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toContain('p99: 2500ms > max 2s');
  });

  it('no data is inconclusive, never a pass; minSamples makes thin data no data', async () => {
    const { providerFor } = scripted({ empty: () => value(null, 0), thin: () => value(0, 3) });
    const r1 = await createAnalyzer({ providerFor })(
      request({ metrics: [metric({ name: 'empty', max: 0.01 })] }).req,
    );
    expect(r1.verdict).toBe('inconclusive');
    expect(r1.reason).toMatch(/empty: no data/);
    const r2 = await createAnalyzer({ providerFor })(
      request({ metrics: [metric({ name: 'thin', max: 0.01, minSamples: 20, inconclusiveLimit: 100 })] }).req,
    );
    expect(r2.verdict).toBe('inconclusive');
    expect(r2.reason).toContain('3 sample(s) from 2.0.0, minSamples 20');
  });

  it('onInconclusive: fail turns an inconclusive gate into a failure', async () => {
    const { providerFor } = scripted({ empty: () => value(null, 0) });
    const r = await createAnalyzer({ providerFor })(
      request({ metrics: [metric({ name: 'empty', max: 0.01 })], onInconclusive: 'fail' }).req,
    );
    expect(r.verdict).toBe('fail');
    expect(r.reason).toContain('onInconclusive: fail');
  });

  it('provider errors within consecutiveErrorLimit are survived; beyond it the metric fails', async () => {
    const flaky = scripted({
      errors: (_q, n) => (n % 2 === 0 ? new Error('connection refused') : value(0.001)),
    });
    const ok = await createAnalyzer(flaky)(
      request({ metrics: [metric({ name: 'errors', max: 0.01, consecutiveErrorLimit: 1 })] }).req,
    );
    expect(ok.verdict).toBe('pass');
    const down = scripted({ errors: () => new Error('connection refused') });
    const { req, events } = request({
      metrics: [metric({ name: 'errors', max: 0.01, consecutiveErrorLimit: 2 })],
    });
    const r = await createAnalyzer(down)(req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(
      /errors: provider router failed 3 times in a row \(consecutiveErrorLimit 2\); last: provider error: connection refused/,
    );
    expect(events.filter((e) => e.kind === 'analysis.measurement').map((e) => e.data.verdict)).toEqual([
      'error',
      'error',
      'error',
    ]);
  });

  it('dryRun metrics are recorded but never decide', async () => {
    const { providerFor } = scripted({ bad: () => value(0.5), good: () => value(0) });
    const { req, events } = request({
      metrics: [metric({ name: 'bad', max: 0.01, dryRun: true }), metric({ name: 'good', max: 0.01 })],
    });
    const r = await createAnalyzer({ providerFor })(req);
    expect(r.verdict).toBe('pass');
    expect(
      events.some(
        (e) =>
          e.kind === 'analysis.measurement' &&
          e.data.metric === 'bad' &&
          e.data.verdict === 'fail' &&
          e.data.dryRun,
      ),
    ).toBe(true);
  });

  it('a critical failure fails the gate even when the score would pass', async () => {
    const scripts: Record<string, Script> = { crit: () => value(1) };
    const metrics = [metric({ name: 'crit', max: 0.5, critical: true })];
    for (let i = 0; i < 25; i++) {
      scripts[`ok${i}`] = () => value(0);
      metrics.push(metric({ name: `ok${i}`, max: 0.5 }));
    }
    const r = await createAnalyzer(scripted(scripts))(request({ metrics }).req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toContain('critical metric crit failed');
  });

  it('duplicate metric names are a plan error', async () => {
    const { providerFor } = scripted({});
    const gate = { metrics: [metric({ name: 'x', max: 1 }), metric({ name: 'x', max: 2 })] };
    await expect(createAnalyzer({ providerFor })(request(gate).req)).rejects.toThrow(
      'two metrics are named "x"',
    );
  });

  it('a metric with no condition is a plan error', async () => {
    const { providerFor } = scripted({});
    await expect(
      createAnalyzer({ providerFor })(request({ metrics: [metric({ name: 'x' })] }).req),
    ).rejects.toMatchObject({
      code: 'INVALID_PLAN',
    });
  });
});

describe('background analysis', () => {
  it('runs until stopped and reports the verdict so far', async () => {
    const { providerFor, calls } = scripted({ errors: () => value(0) });
    const stop = new AbortController();
    const { req } = request(
      { metrics: [metric({ name: 'errors', max: 0.01 })] },
      { durationMs: Number.POSITIVE_INFINITY, signal: stop.signal },
    );
    const pending = createAnalyzer({ providerFor })(req);
    while ((calls.get('errors/canary') ?? 0) < 3) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    expect((await pending).verdict).toBe('pass');
  });

  it('fails as soon as a metric fails, without being stopped', async () => {
    const { providerFor } = scripted({ errors: (_q, n) => value(n >= 4 ? 0.2 : 0) });
    const { req } = request(
      { metrics: [metric({ name: 'errors', max: 0.01 })] },
      { durationMs: Number.POSITIVE_INFINITY },
    );
    const r = await createAnalyzer({ providerFor })(req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toContain('measurement 4 of ∞');
  });

  it('a timed analysis stopped from outside is cancelled, not passed', async () => {
    const { providerFor } = scripted({ errors: () => value(0) });
    const stop = new AbortController();
    const { req } = request(
      { metrics: [metric({ name: 'errors', max: 0.01 })] },
      { durationMs: 60_000, signal: stop.signal },
    );
    const pending = createAnalyzer({ providerFor })(req);
    setTimeout(() => stop.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('judge metrics', () => {
  const latencies = (base: number, n = 60) => Array.from({ length: n }, (_, i) => base + (i % 20));
  const samples = (s: number[]): MetricReading => ({ value: null, sampleCount: s.length, samples: s });

  it('reads canary and stable from the same window and fails a slower canary', async () => {
    const seen: MetricQuery[] = [];
    const provider: MetricProvider = {
      name: 'scripted',
      async read(q) {
        seen.push(q);
        return samples(q.role === 'canary' ? latencies(150) : latencies(100));
      },
    };
    const { req, events } = request({
      metrics: [metric({ name: 'latency', query: 'latency', judge: 'mann-whitney', interval: undefined })],
    });
    const r = await createAnalyzer({ providerFor: () => provider })(req);
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/latency: canary is higher: median 159\.5 vs stable 109\.5/);
    expect(seen.map((q) => [q.role, q.version])).toEqual([
      ['canary', '2.0.0'],
      ['stable', '1.0.0'],
    ]);
    expect(seen[0]?.range).toEqual(seen[1]?.range);
    const m = events.find((e) => e.kind === 'analysis.measurement');
    expect(m?.data).toMatchObject({
      verdict: 'fail',
      class: 'High',
      canaryCount: 60,
      stableCount: 60,
      method: 'normal',
    });
  });

  it('passes an equal canary, and is inconclusive with no stable release', async () => {
    const provider: MetricProvider = { name: 's', read: async () => samples(latencies(100)) };
    const gate: GateConfig = {
      metrics: [metric({ name: 'latency', query: 'latency', judge: 'mann-whitney', interval: undefined })],
    };
    expect((await createAnalyzer({ providerFor: () => provider })(request(gate).req)).verdict).toBe('pass');
    const r = await createAnalyzer({ providerFor: () => provider })(
      request(gate, { stableVersion: null }).req,
    );
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toContain('no stable release to compare with');
  });
});
