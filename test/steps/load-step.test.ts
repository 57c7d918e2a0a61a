// The `load` step against a real local HTTP server that fails every tenth request: the recorded
// request and error counts match what the server actually served.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { loadStep } from '../../src/steps/load.js';
import type { StepContext } from '../../src/steps/step-kind.js';

describe('load step', () => {
  let server: Server;
  let url: string;
  let served = 0;
  let failedByServer = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      served++;
      if (served % 10 === 0) {
        failedByServer++;
        res.statusCode = 500;
      }
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function ctx(
    events: { kind: string; data: Record<string, unknown> }[],
    signal = new AbortController().signal,
  ): StepContext {
    return {
      runId: 'r',
      app: 'a',
      environment: 'e',
      version: '1',
      stepKey: 'p/0',
      stepName: 'load',
      attempt: 1,
      signal,
      planDir: '/tmp',
      home: '/tmp',
      plan: {} as Plan,
      interpolate: <T>(v: T) => v,
      env: {},
      log: () => {},
      record: async (kind, data) => {
        events.push({ kind, data });
        return events.length;
      },
      waitForApproval: async () => ({ user: 'x' }),
    };
  }

  it('records requests, errors and latency percentiles as evidence', async () => {
    const events: { kind: string; data: Record<string, unknown> }[] = [];
    const params = loadStep.schema.parse({ url, rate: 50, duration: '1s', connections: 2 });
    const out = await loadStep.execute(ctx(events), params);
    const result = events.find((e) => e.kind === 'load.result')?.data;
    // requests still in flight when the run ends (at most one per connection) reach the server
    // but are not counted by the load generator
    const requests = result?.requests as number;
    const errors = result?.errors as number;
    expect(requests).toBeGreaterThan(0);
    expect(served - requests).toBeGreaterThanOrEqual(0);
    expect(served - requests).toBeLessThanOrEqual(2);
    expect(failedByServer - errors).toBeGreaterThanOrEqual(0);
    expect(failedByServer - errors).toBeLessThanOrEqual(2);
    expect(failedByServer).toBeGreaterThan(0);
    const latency = result?.latencyMs as { p50: number; p95: number; p99: number };
    expect(latency.p50).toBeGreaterThanOrEqual(0);
    expect(latency.p95).toBeGreaterThanOrEqual(latency.p50);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p95);
    expect(out.summary).toMatch(new RegExp(`^${requests} requests, ${errors} errors, p95 `));
  });

  it('fails when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const params = loadStep.schema.parse({
      url: `http://127.0.0.1:${port}/`,
      rate: 20,
      duration: '1s',
      connections: 1,
    });
    await expect(loadStep.execute(ctx([]), params)).rejects.toThrow(/no request succeeded/);
  });
});
