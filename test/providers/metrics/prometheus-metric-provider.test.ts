// The prometheus provider against a real Prometheus (Debian's package) that scrapes a small
// prom-client /metrics server, both started here on ephemeral ports and stopped afterwards.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricConfig } from '../../../src/plan/types.js';
import { fillTemplate, type MetricQuery } from '../../../src/providers/metrics/metric-provider.js';
import { createPrometheusMetricProvider } from '../../../src/providers/metrics/prometheus-metric-provider.js';
import { freePort, hasPrometheus, type PrometheusServer, startPrometheus } from './prometheus-server.js';

describe.skipIf(!hasPrometheus)(
  'prometheus provider (real Prometheus; install the Debian package "prometheus")',
  () => {
    let app: Server;
    let prom: PrometheusServer;
    const registry = new Registry();
    const errorRatio = new Gauge({
      name: 'demo_error_ratio',
      help: 'errors per request',
      labelNames: ['version'],
      registers: [registry],
    });
    errorRatio.set({ version: '1.0.0' }, 0.001);
    errorRatio.set({ version: '2.0.0' }, 0.05);

    beforeAll(async () => {
      app = createServer(async (_req, res) => {
        res.setHeader('content-type', registry.contentType);
        res.end(await registry.metrics());
      });
      await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
      prom = await startPrometheus([`127.0.0.1:${(app.address() as AddressInfo).port}`]);
      // at least two scrapes of the demo target stored
      await prom.waitFor('count_over_time(demo_error_ratio{version="2.0.0"}[1m])', 2);
    });

    afterAll(async () => {
      await prom?.stop();
      await new Promise((r) => app?.close(r));
    });

    function query(metric: Partial<MetricConfig>, version: string, rangeMs = 30_000): MetricQuery {
      const m: MetricConfig = { name: 'm', provider: 'prometheus', query: '', ...metric };
      const range = { from: Date.now() - rangeMs, to: Date.now() };
      const vars = { version, role: 'canary' as const, environment: 'staging', range };
      return {
        metric: m,
        query: fillTemplate(m.query, vars),
        url: prom.url,
        role: 'canary',
        version,
        environment: 'staging',
        home: '/',
        range,
        signal: new AbortController().signal,
      };
    }

    it('reads an instant value per release through {{version}}', async () => {
      const p = createPrometheusMetricProvider();
      const q = 'max(demo_error_ratio{version="{{version}}"})';
      expect((await p.read(query({ query: q }, '2.0.0'))).value).toBe(0.05);
      expect((await p.read(query({ query: q }, '1.0.0'))).value).toBe(0.001);
    });

    it('an empty result is no data, not zero', async () => {
      const r = await createPrometheusMetricProvider().read(
        query({ query: 'max(demo_error_ratio{version="9.9.9"})' }, '9.9.9'),
      );
      expect(r).toMatchObject({ value: null, sampleCount: 0 });
    });

    it('range queries give the judge one sample per step', async () => {
      const r = await createPrometheusMetricProvider().read(
        query({ query: 'demo_error_ratio{version="{{version}}"}', judge: 'mann-whitney' }, '2.0.0'),
      );
      expect(r.samples.length).toBeGreaterThanOrEqual(2);
      expect(new Set(r.samples)).toEqual(new Set([0.05]));
    });

    it('several series for a threshold, and bad PromQL, are errors that say what to do', async () => {
      const p = createPrometheusMetricProvider();
      await expect(p.read(query({ query: 'demo_error_ratio' }, '2.0.0'))).rejects.toThrow(
        /returned 2 series; aggregate it/,
      );
      await expect(p.read(query({ query: 'sum(' }, '2.0.0'))).rejects.toThrow(
        /prometheus rejected the query \(bad_data\)/,
      );
    });
  },
);

describe('prometheus provider without a server', () => {
  it('an unreachable Prometheus is a provider error naming the address', async () => {
    const port = await freePort();
    const q: MetricQuery = {
      metric: { name: 'm', provider: 'prometheus', query: 'up' },
      query: 'up',
      url: `http://127.0.0.1:${port}`,
      role: 'canary',
      version: '1',
      environment: 'e',
      home: '/',
      range: { from: 0, to: Date.now() },
      signal: new AbortController().signal,
    };
    await expect(createPrometheusMetricProvider().read(q)).rejects.toThrow(
      `prometheus at http://127.0.0.1:${port} did not answer`,
    );
  });
});
