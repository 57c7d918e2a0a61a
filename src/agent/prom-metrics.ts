// Prometheus exposition of the router's per-release totals (prom-client). Values are read from the
// releases at scrape time, so the request path never touches prom-client.

import http from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { EnvironmentRuntime } from './environment-runtime.js';
import { quantileFromHistogram, statusClasses } from './release-metrics.js';

export function createRegistry(environments: () => EnvironmentRuntime[]): Registry {
  const registry = new Registry();
  const reported = new Map<string, number>();
  const delta = (key: string, value: number): number => {
    const prev = reported.get(key) ?? 0;
    reported.set(key, value);
    return Math.max(0, value - prev);
  };
  new Counter({
    name: 'rollgate_router_requests_total',
    help: 'Requests answered by the built-in router, by environment, release and status class',
    labelNames: ['environment', 'release', 'class'],
    registers: [registry],
    collect() {
      for (const env of environments()) {
        for (const r of env.releases) {
          statusClasses.forEach((cls, i) => {
            const v = r.metrics.totals.status[i] as number;
            const d = delta(`req|${env.name}|${r.version}|${cls}`, v);
            if (d > 0 || v === 0) this.inc({ environment: env.name, release: r.version, class: cls }, d);
          });
        }
      }
    },
  });
  new Counter({
    name: 'rollgate_router_latency_ms_sum',
    help: 'Sum of request latencies through the router in milliseconds',
    labelNames: ['environment', 'release'],
    registers: [registry],
    collect() {
      for (const env of environments()) {
        for (const r of env.releases) {
          const d = delta(`lat|${env.name}|${r.version}`, r.metrics.totals.latencySumMs);
          this.inc({ environment: env.name, release: r.version }, d);
        }
      }
    },
  });
  new Gauge({
    name: 'rollgate_router_latency_ms',
    help: 'Latency quantiles through the router since the agent started, in milliseconds',
    labelNames: ['environment', 'release', 'quantile'],
    registers: [registry],
    collect() {
      for (const env of environments()) {
        for (const r of env.releases) {
          const total = r.metrics.totals.requests;
          for (const q of [0.5, 0.95, 0.99]) {
            const v = quantileFromHistogram(r.metrics.totalHistogram, total, q);
            if (v !== null) this.set({ environment: env.name, release: r.version, quantile: String(q) }, v);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'rollgate_release_weight',
    help: 'Traffic weight (0..100) of each release',
    labelNames: ['environment', 'release', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const env of environments()) {
        for (const r of env.releases)
          this.set({ environment: env.name, release: r.version, state: r.state }, r.weight);
      }
    },
  });
  new Gauge({
    name: 'rollgate_instances_healthy',
    help: 'Healthy instances of each release',
    labelNames: ['environment', 'release'],
    registers: [registry],
    collect() {
      this.reset();
      for (const env of environments()) {
        for (const r of env.releases)
          this.set({ environment: env.name, release: r.version }, r.healthyInstances().length);
      }
    },
  });
  return registry;
}

/** A tiny server answering GET /metrics on its own port. */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
