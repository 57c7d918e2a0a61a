// The prometheus provider against a real Prometheus (Debian's package) that scrapes a small
// prom-client /metrics server, both started here on ephemeral ports and stopped afterwards.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricConfig } from '../../../src/plan/types.js';
import { fillTemplate, type MetricQuery } from '../../../src/providers/metrics/metric-provider.js';
import { createPrometheusMetricProvider } from '../../../src/providers/metrics/prometheus-metric-provider.js';

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(!hasPrometheus)(
  'prometheus provider (real Prometheus; install the Debian package "prometheus")',
  () => {
    let dir: string;
    let app: Server;
    let prom: ChildProcess | undefined;
    let promUrl: string;
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
      dir = mkdtempSync(join(tmpdir(), 'rollgate-prom-'));
      app = createServer(async (_req, res) => {
        res.setHeader('content-type', registry.contentType);
        res.end(await registry.metrics());
      });
      await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
      const appPort = (app.address() as AddressInfo).port;
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: demo\n    static_configs: [{ targets: ["127.0.0.1:${appPort}"] }]\n`,
      );
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      prom = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      // ready, and at least two scrapes of the demo target stored
      for (;;) {
        if (prom.exitCode !== null) throw new Error(`prometheus exited with ${prom.exitCode}`);
        try {
          const res = await fetch(
            `${promUrl}/api/v1/query?query=${encodeURIComponent('count_over_time(demo_error_ratio{version="2.0.0"}[1m])')}`,
          );
          const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
          if (Number(body.data?.result?.[0]?.value[1] ?? 0) >= 2) break;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    });

    afterAll(async () => {
      if (prom && prom.exitCode === null) {
        const exited = new Promise((r) => prom?.once('exit', r));
        prom.kill('SIGTERM');
        await exited;
      }
      await new Promise((r) => app?.close(r));
      rmSync(dir, { recursive: true, force: true });
    });

    function query(metric: Partial<MetricConfig>, version: string, rangeMs = 30_000): MetricQuery {
      const m: MetricConfig = { name: 'm', provider: 'prometheus', query: '', ...metric };
      const range = { from: Date.now() - rangeMs, to: Date.now() };
      const vars = { version, role: 'canary' as const, environment: 'staging', range };
      return {
        metric: m,
        query: fillTemplate(m.query, vars),
        url: promUrl,
        role: 'canary',
        version,
        environment: 'staging',
        home: dir,
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
