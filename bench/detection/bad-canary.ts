// Bench (figures, not a test): how fast a bad canary is detected and rolled back, end to end with
// the real agent, router, demo app and analyzer. Open-loop load at 200 req/s; stable answers 0.1%
// errors, the canary 5%, at 10% weight. Measures, per trial: time from the canary's first answer to
// the rollout reporting traffic back on stable, the last answer the canary gave, and how many
// requests the bad release served.
// Run: npx tsx bench/detection/bad-canary.ts [trials=5] [rate=200] [canaryErrorRate=0.05] [analysis=60s]
// With canaryErrorRate 0.001 (same as stable) it counts wrong aborts instead.

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAgent } from '../../src/agent/client.js';
import type { ServiceSpec } from '../../src/agent/types.js';
import { analyze } from '../../src/analysis/analyzer.js';
import type { GateConfig } from '../../src/plan/types.js';
import type { DeployParams } from '../../src/rollout/deploy-params.js';
import { runRollout } from '../../src/rollout/run-rollout.js';

const trials = Number(process.argv[2] ?? 5);
const rate = Number(process.argv[3] ?? 200);
const canaryErrorRate = Number(process.argv[4] ?? 0.05);
const analysis = process.argv[5] ?? '60s';
const demoDir = fileURLToPath(new URL('../../examples/demo-app/', import.meta.url));
const env = 'bench';

const gates: Record<string, GateConfig> = {
  slo: {
    metrics: [
      // 3 s windows hold ~60 canary requests at 20 req/s. minSamples 40 = 1 / max: a single error can
      // never fail a window, two can (5% canary: ~80% of windows; 0.1% canary: ~0.2% of windows)
      {
        name: 'error-rate',
        provider: 'router',
        query: 'error_rate',
        max: '2.5%',
        interval: '3s',
        minSamples: 40,
        inconclusiveLimit: 5,
      },
    ],
  },
};

function service(errorRate: number): ServiceSpec {
  return {
    start: 'node server.js',
    cwd: demoDir,
    env: { DEMO_ERROR_RATE: String(errorRate) },
    instances: 2,
    drainMs: 1000,
    health: {
      kind: 'http',
      target: '/healthz',
      intervalMs: 100,
      timeoutMs: 500,
      healthyAfter: 1,
      unhealthyAfter: 2,
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Answer {
  at: number;
  status: number;
  version: string;
}

/** Open-loop load: sends `rate` requests per second whatever the answers take. */
function startLoad(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const answers: Answer[] = [];
  const started = Date.now();
  let sent = 0;
  const send = () => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        let version = '?';
        try {
          version = (JSON.parse(body) as { version: string }).version;
        } catch {
          // router error page
        }
        answers.push({ at: Date.now(), status: res.statusCode ?? 0, version });
      });
    });
    req.on('error', () => answers.push({ at: Date.now(), status: 0, version: '?' }));
  };
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) send();
  }, 5);
  return {
    answers,
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}

function options(home: string, port: number, version: string, params: DeployParams, errorRate: number) {
  return {
    home,
    environment: env,
    version,
    params,
    service: service(errorRate),
    target: { host: '127.0.0.1', listen: port },
    analyzer: analyze,
    gates,
    retain: 1,
    healthDeadlineMs: 20_000,
    signal: new AbortController().signal,
    record: async () => 0,
    log: () => undefined,
  };
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rollgate-detection-'));
const port = await freePort();
const results: { detectMs: number; lastCanaryMs: number; served: number; errors: number }[] = [];
try {
  await runRollout(options(home, port, '1.0.0', { strategy: 'canary' }, 0.001));
  for (let t = 0; t < trials; t++) {
    const load = startLoad(port);
    await new Promise((r) => setTimeout(r, 1000));
    const version = `2.0.${t}`;
    const params: DeployParams = {
      strategy: 'canary',
      steps: [{ setWeight: 10 }, { analyze: { gate: 'slo', duration: analysis } }, { setWeight: 100 }],
    };
    const err = await runRollout(options(home, port, version, params, canaryErrorRate)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const backAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    load.stop();
    const canary = load.answers.filter((a) => a.version === version);
    if (!err || canary.length === 0) {
      console.log(
        `trial ${t + 1}: ${err ? `no canary answers: ${err.message}` : 'canary was NOT rolled back (promoted)'}`,
      );
      continue;
    }
    const first = Math.min(...canary.map((a) => a.at));
    const last = Math.max(...canary.map((a) => a.at));
    const r = {
      detectMs: backAt - first,
      lastCanaryMs: last - first,
      served: canary.length,
      errors: canary.filter((a) => a.status >= 500).length,
    };
    results.push(r);
    const failedOthers = load.answers.filter((a) => a.status === 0).length;
    console.log(
      `trial ${t + 1}: back on stable ${(r.detectMs / 1000).toFixed(2)} s after the canary's first answer (last canary answer at ${(r.lastCanaryMs / 1000).toFixed(2)} s); canary served ${r.served} requests, ${r.errors} errors; ${failedOthers} connection failures; ${err.message.slice(0, 160)}`,
    );
  }
} finally {
  await stopAgent(home, { stopInstances: true });
  fs.rmSync(home, { recursive: true, force: true });
}
if (results.length) {
  const s = results.map((r) => r.detectMs).sort((a, b) => a - b);
  const served = results.map((r) => r.served).sort((a, b) => a - b);
  console.log(
    `\n${results.length}/${trials} trials rolled back; time to 100% on stable: median ${(s[s.length >> 1] as number) / 1000} s, max ${(s[s.length - 1] as number) / 1000} s; bad release served median ${served[served.length >> 1]} requests, max ${served[served.length - 1]} (goal: < 10 s)`,
  );
}
