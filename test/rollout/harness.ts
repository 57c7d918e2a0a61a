// Shared pieces of the data-plane tests: a temporary $ROLLGATE_HOME, the demo app as a service,
// free ports, a keep-alive load generator that counts failures per version, and rollout options.

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../../src/agent/types.js';
import type { Analyzer } from '../../src/rollout/analysis-hook.js';
import type { DeployParams } from '../../src/rollout/deploy-params.js';
import type { RolloutOptions } from '../../src/rollout/run-rollout.js';

export const demoDir = fileURLToPath(new URL('../../examples/demo-app/', import.meta.url));

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rollgate-agent-'));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function demoService(env: Record<string, string> = {}, instances = 2): ServiceSpec {
  return {
    start: 'node server.js',
    cwd: demoDir,
    env,
    instances,
    drainMs: 3000,
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

export interface Recorded {
  kind: string;
  data: Record<string, unknown>;
}

export function rolloutOptions(
  home: string,
  environment: string,
  listen: number,
  version: string,
  params: DeployParams,
  extra: Partial<RolloutOptions> & { events?: Recorded[]; env?: Record<string, string> } = {},
): RolloutOptions {
  const events = extra.events ?? [];
  return {
    home,
    environment,
    version,
    params,
    service: extra.service ?? demoService(extra.env ?? {}),
    target: extra.target ?? { host: '127.0.0.1', listen },
    analyzer: extra.analyzer ?? recordOnlyAnalyzer,
    gates: extra.gates ?? {},
    retain: extra.retain ?? 3,
    healthDeadlineMs: extra.healthDeadlineMs ?? 20_000,
    signal: extra.signal ?? new AbortController().signal,
    record: async (kind, data) => {
      events.push({ kind, data });
      return events.length;
    },
    log: () => undefined,
  };
}

export interface Answer {
  status: number;
  version: string | null;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function get(
  port: number,
  pathName = '/',
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: pathName, headers, agent: agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          let version: string | null = null;
          try {
            version = (JSON.parse(body) as { version?: string }).version ?? null;
          } catch {
            // not JSON (e.g. the router's 503 text)
          }
          resolve({ status: res.statusCode ?? 0, version, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
  });
}

export interface LoadResult {
  ok: number;
  failed: number;
  failures: string[];
  byVersion: Record<string, number>;
}

/** Keeps `concurrency` keep-alive clients busy until stop(); every non-2xx or error is a failure. */
export function startLoad(
  port: number,
  concurrency = 6,
): { stop(): Promise<LoadResult>; result: LoadResult } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { ok: 0, failed: 0, failures: [], byVersion: {} };
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const a = await get(port, '/', {}, agent);
        if (a.status >= 200 && a.status < 300) {
          result.ok++;
          const v = a.version ?? '?';
          result.byVersion[v] = (result.byVersion[v] ?? 0) + 1;
        } else {
          result.failed++;
          if (result.failures.length < 10) result.failures.push(`${a.status} ${a.body.slice(0, 200)}`);
        }
      } catch (err) {
        result.failed++;
        if (result.failures.length < 10) result.failures.push(String(err));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, () => worker());
  return {
    result,
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function versionsOf(port: number, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  for (let i = 0; i < n; i++) {
    const a = await get(port, '/', {}, agent);
    const v = a.status === 200 ? (a.version ?? '?') : `status ${a.status}`;
    counts[v] = (counts[v] ?? 0) + 1;
  }
  agent.destroy();
  return counts;
}

/** A stand-in analyzer for rollout tests that do not judge: waits the window, records it, answers inconclusive. */
export const recordOnlyAnalyzer: Analyzer = async (req) => {
  const from = Date.now();
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.max(0, req.durationMs));
    req.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
  await req.record('analysis.window', {
    gate: req.gateName,
    from,
    to: Date.now(),
    canary: req.canaryVersion,
    stable: req.stableVersion,
    note: 'no analyzer configured: window recorded only',
  });
  return {
    verdict: 'inconclusive',
    reason: `gate ${req.gateName}: no analyzer available, window recorded only`,
  };
};
