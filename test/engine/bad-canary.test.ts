// A bad canary through the real CLI, end to end: `rollgate deploy` starts the real agent, the demo
// app's v2 answers 30% errors (service.env from --var), the test sends real HTTP load, the gate's
// error_rate threshold fails, the rollout puts all traffic back on v1, the rollback hook runs, and
// a real local webhook receiver gets Slack-compatible messages. A second receiver that answers 500
// never fails a deploy, but every failed delivery is recorded.

import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnvironmentStatus, stopAgent } from '../../src/agent/client.js';
import type { EventRecord, RunRecord } from '../../src/store/store.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';
import { demoDir, freePort, startLoad, versionsOf } from '../rollout/harness.js';

interface Delivery {
  contentType: string | undefined;
  body: { text?: unknown; event?: unknown; data?: Record<string, unknown> };
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

/** A real HTTP server that records every POST and answers `status`. */
async function startReceiver(status: number): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
    });
    req.on('end', () => {
      let body: Delivery['body'] = {};
      try {
        body = JSON.parse(raw) as Delivery['body'];
      } catch {
        body = { text: undefined };
      }
      deliveries.push({ contentType: req.headers['content-type'], body });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'receiver broken on purpose');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const plan = (listen: number, goodUrl: string, brokenUrl: string) => `
app: shop
service:
  start: node server.js
  cwd: ${JSON.stringify(demoDir)}
  instances: 1
  env: { DEMO_ERROR_RATE: "\${{ vars.errorRate }}" }
  health: { http: /healthz, interval: 100ms, timeout: 500ms, healthyAfter: 1, unhealthyAfter: 2 }
  drain: 1s
environments:
  production:
    target: { kind: local, listen: ${listen} }
    vars: { errorRate: "0" }
phases:
  - name: rollout
    steps:
      - name: canary release
        deploy:
          strategy: canary
          steps:
            - setWeight: 30
            - analyze: { gate: slo, duration: 60s }
            - setWeight: 100
gates:
  slo:
    metrics:
      - { name: error-rate, provider: router, query: error_rate, max: 5%, interval: 1s, minSamples: 10, inconclusiveLimit: 3 }
rollback:
  hooks:
    - run: "echo flushed > rollback-hook.ran"
notify:
  - webhook: "${goodUrl}"
  - webhook: "${brokenUrl}"
`;

describe('a bad canary through the CLI', () => {
  let ws: Workspace;
  let good: Receiver;
  let broken: Receiver;
  let listen: number;

  beforeAll(async () => {
    ws = await createWorkspace('sqlite');
    good = await startReceiver(200);
    broken = await startReceiver(500);
    listen = await freePort();
    ws.writePlan(plan(listen, good.url, broken.url));
  });

  afterAll(async () => {
    await stopAgent(ws.home, { stopInstances: true });
    await good.close();
    await broken.close();
    await ws.dispose();
  });

  const runs = async (): Promise<RunRecord[]> => (await ws.store()).listRuns({});
  const eventsOf = async (run: RunRecord): Promise<EventRecord[]> => (await ws.store()).listEvents(run.id);
  const sentFor = (run: RunRecord) => (e: EventRecord) =>
    e.kind === 'notification.sent' && e.runId === run.id;

  it('deploys v1; a webhook receiver answering 500 does not fail it but is recorded', async () => {
    const r = await ws.cli(['deploy', '--env', 'production', '--version', '1.0.0']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await versionsOf(listen, 10)).toEqual({ '1.0.0': 10 });
    const [run] = await runs();
    expect(run?.status).toBe('succeeded');
    const sent = (await eventsOf(run as RunRecord)).filter(sentFor(run as RunRecord));
    const failed = sent.filter((e) => e.data.target === 1);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(e.data).toMatchObject({ ok: false, status: 500, attempts: 3 });
    expect(sent.filter((e) => e.data.target === 0).every((e) => e.data.ok === true)).toBe(true);
    expect(good.deliveries.map((d) => d.body.event)).toEqual(
      expect.arrayContaining(['run.started', 'rollout.promoted', 'run.succeeded']),
    );
    // the broken receiver was really called, with retries
    expect(broken.deliveries.length).toBe(failed.length * 3);
  });

  it('rolls v2 (30% errors) back by itself: exit 1, rolled_back, hook ran, webhooks sent once each', async () => {
    good.deliveries.length = 0;
    const load = startLoad(listen, 4);
    const r = await ws.cli(['deploy', '--env', 'production', '--version', '2.0.0', '--var', 'errorRate=0.3']);
    const traffic = await load.stop();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/error-rate: \d+(\.\d+)?% > max 5%/);
    // the canary really answered errors to the test's requests
    expect(traffic.byVersion['2.0.0'] ?? 0).toBeGreaterThan(0);
    expect(traffic.failed).toBeGreaterThan(0);

    const run = (await runs()).find((x) => x.version === '2.0.0') as RunRecord;
    expect(run.status).toBe('rolled_back');
    expect(run.reason).toMatch(/gate slo failed: error-rate/);
    // traffic is back on v1, v2 gets none
    const status = await getEnvironmentStatus(ws.home, 'production');
    expect(status.find((x) => x.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
    expect(status.find((x) => x.version === '2.0.0')?.weight ?? 0).toBe(0);
    expect(await versionsOf(listen, 20)).toEqual({ '1.0.0': 20 });

    // the rollback hook ran after traffic was back on stable
    expect(readFileSync(join(ws.dir, 'rollback-hook.ran'), 'utf8').trim()).toBe('flushed');
    const events = await eventsOf(run);
    const abortedAt = events.findIndex((e) => e.kind === 'rollout.aborted');
    const hookAt = events.findIndex((e) => e.kind === 'rollback.started');
    expect(abortedAt).toBeGreaterThanOrEqual(0);
    expect(hookAt).toBeGreaterThan(abortedAt);

    // Slack-compatible JSON with a text, each transition once
    const received = good.deliveries.map((d) => d.body.event);
    expect(received).toEqual(
      expect.arrayContaining(['run.started', 'analysis.failed', 'rollout.rolled_back']),
    );
    expect(received.filter((e) => e === 'analysis.failed')).toHaveLength(1);
    expect(received.filter((e) => e === 'rollout.rolled_back')).toHaveLength(1);
    expect(received).not.toContain('rollout.promoted');
    for (const d of good.deliveries) {
      expect(d.contentType).toMatch(/^application\/json/);
      expect(typeof d.body.text).toBe('string');
      expect(d.body.data).toMatchObject({ runId: run.id, version: '2.0.0', environment: 'production' });
    }
    const failedText = good.deliveries.find((d) => d.body.event === 'analysis.failed')?.body.text;
    expect(failedText).toMatch(/^Analysis failed: shop 2\.0\.0 → production .*error-rate.*max 5%/);
    expect(good.deliveries.find((d) => d.body.event === 'rollout.rolled_back')?.body.text).toMatch(
      /^Rolled back: shop 2\.0\.0/,
    );

    // every delivery is evidence, the broken receiver's too, and none failed the run further
    const sent = events.filter(sentFor(run));
    expect(sent.filter((e) => e.data.target === 0).map((e) => e.data.event)).toEqual(
      expect.arrayContaining(['run.started', 'analysis.failed', 'rollout.rolled_back']),
    );
    const brokenSent = sent.filter((e) => e.data.target === 1);
    expect(brokenSent.length).toBe(sent.filter((e) => e.data.target === 0).length);
    for (const e of brokenSent) expect(e.data).toMatchObject({ ok: false, status: 500 });
    expect(existsSync(join(ws.dir, 'rollback-hook.ran'))).toBe(true);
  });
});
