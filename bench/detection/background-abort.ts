// Bench (figures, not a test): a bad canary caught by *background* analysis while the rollout sits
// in a long pause, end to end with the real agent, router, demo app and analyzer. Open-loop load at
// 200 req/s; stable answers 0.1% errors, the canary 5%, at 10% weight. Per trial it prints the
// time from the first request the canary answered (its send time) to the agent's switch of 100% of
// traffic back to stable (rollout.aborted `at`), split into detection (the background verdict) and
// reaction (verdict → switch), and how many requests the bad release served.
// Run: npx tsx bench/detection/background-abort.ts [trials=5] [rate=200] [canaryErrorRate=0.05] [pause=60s]
// With canaryErrorRate 0.001 (same as stable) a trial that aborts is a wrong abort.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { stopAgent } from '../../src/agent/client.js';
import { analyze } from '../../src/analysis/analyzer.js';
import type { GateConfig } from '../../src/plan/types.js';
import type { DeployParams } from '../../src/rollout/deploy-params.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { demoService, freePort, type Recorded, rolloutOptions } from '../../test/rollout/harness.js';

const trials = Number(process.argv[2] ?? 5);
const rate = Number(process.argv[3] ?? 200);
const canaryErrorRate = Number(process.argv[4] ?? 0.05);
const pause = process.argv[5] ?? '60s';
const env = 'bench';

const gates: Record<string, GateConfig> = {
  slo: {
    metrics: [
      // 3 s windows hold ~60 canary requests at 20 req/s; with minSamples 40 one error can never
      // fail a window, two can: a 5% canary fails ~80% of windows, a 0.1% one ~0.2%
      {
        name: 'error-rate',
        provider: 'router',
        query: 'error_rate',
        max: '2.5%',
        interval: '3s',
        minSamples: 40,
        inconclusiveLimit: 1000,
      },
    ],
  },
};

interface Answer {
  sentAt: number;
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
    const sentAt = Date.now();
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
          // the router's own error page
        }
        answers.push({ sentAt, at: Date.now(), status: res.statusCode ?? 0, version });
      });
    });
    req.on('error', () => answers.push({ sentAt, at: Date.now(), status: 0, version: '?' }));
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

function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

const secs = (ms: number) => (ms / 1000).toFixed(2);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rollgate-bench-'));
const port = await freePort();
const rows: { backMs: number; detectMs: number; reactMs: number; served: number; errors: number }[] = [];
let promoted = 0;
let stable = '1.0.0';
try {
  await runRollout(
    rolloutOptions(
      home,
      env,
      port,
      stable,
      { strategy: 'canary' },
      {
        service: demoService({ DEMO_ERROR_RATE: '0.001' }),
      },
    ),
  );
  for (let t = 0; t < trials; t++) {
    const load = startLoad(port);
    await new Promise((r) => setTimeout(r, 1000));
    const version = `2.0.${t}`;
    const params: DeployParams = {
      strategy: 'canary',
      steps: [{ setWeight: 10 }, { pause }, { setWeight: 100 }],
      background: { gate: 'slo' },
    };
    const events: Recorded[] = [];
    const err = await runRollout(
      rolloutOptions(home, env, port, version, params, {
        service: demoService({ DEMO_ERROR_RATE: String(canaryErrorRate) }),
        analyzer: analyze,
        gates,
        retain: 1,
        events,
      }),
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await new Promise((r) => setTimeout(r, 500));
    load.stop();
    const canary = load.answers.filter((a) => a.version === version);
    if (!err) {
      promoted++;
      stable = version;
      console.log(
        `trial ${t + 1}: NOT rolled back: ${version} promoted after ${pause} (served ${canary.length})`,
      );
      continue;
    }
    const aborted = events.find((e) => e.kind === 'rollout.aborted');
    const verdict = events.find(
      (e) => e.kind === 'analysis.verdict' && e.data.label === 'background analysis',
    );
    if (canary.length === 0 || aborted === undefined || verdict === undefined) {
      console.log(`trial ${t + 1}: no canary answers or no abort recorded: ${err.message}`);
      continue;
    }
    const first = Math.min(...canary.map((a) => a.sentAt));
    const backAt = Date.parse(String(aborted.data.at));
    const verdictAt = Date.parse(String(verdict.data.at));
    const row = {
      backMs: backAt - first,
      detectMs: verdictAt - first,
      reactMs: backAt - verdictAt,
      served: canary.length,
      errors: canary.filter((a) => a.status >= 500).length,
    };
    rows.push(row);
    const late = canary.filter((a) => a.sentAt > backAt).length;
    const windows: Record<string, number> = {};
    for (const e of events.filter((x) => x.kind === 'analysis.measurement')) {
      const v = String(e.data.verdict);
      windows[v] = (windows[v] ?? 0) + 1;
    }
    console.log(
      `trial ${t + 1}: 100% back on ${stable} ${secs(row.backMs)} s after the canary's first request (verdict at ${secs(row.detectMs)} s, switch ${row.reactMs} ms later); bad release served ${row.served} requests (${row.errors} errors, ${late} sent after the switch); windows ${JSON.stringify(windows)}; ${err.message.slice(0, 150)}`,
    );
  }
} finally {
  await stopAgent(home, { stopInstances: true });
  fs.rmSync(home, { recursive: true, force: true });
}
if (rows.length > 0) {
  const back = rows.map((r) => r.backMs);
  const served = rows.map((r) => r.served);
  console.log(
    `\n${rows.length}/${trials} trials rolled back by background analysis (${promoted} promoted) at ${rate} req/s, canary ${canaryErrorRate * 100}% errors at 10% weight:` +
      `\n  first canary request → 100% on stable: median ${secs(pct(back, 0.5))} s, max ${secs(Math.max(...back))} s (goal < 10 s)` +
      `\n  verdict → switch: median ${pct(
        rows.map((r) => r.reactMs),
        0.5,
      )} ms; requests served by the bad release: median ${pct(served, 0.5)}, max ${Math.max(...served)}`,
  );
} else {
  console.log(`\nno trial rolled back (${promoted} of ${trials} promoted)`);
}
