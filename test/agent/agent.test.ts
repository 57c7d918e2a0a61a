// The agent as a program: token-authenticated control API, 503 with a clear body, crash restart,
// SIGKILL of the agent with re-adoption of live instances, sticky sessions and WebSockets through
// the router, Prometheus metrics, and the agent CLI.

import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  configureTarget,
  ensureAgent,
  eventsAfter,
  fetchReleaseMetrics,
  findAgent,
  getEnvironmentStatus,
  getEnvironmentStatusFull,
  setWeights,
  startRelease,
  stopAgent,
} from '../../src/agent/client.js';
import { agentPaths } from '../../src/agent/paths.js';
import { runCli } from '../helpers/cli.js';
import { demoService, freePort, get, tempHome, versionsOf, waitFor } from '../rollout/harness.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
let home: string;

beforeAll(() => {
  home = tempHome();
});
afterAll(async () => {
  await stopAgent(home);
});

async function serve(
  env: string,
  port: number,
  version: string,
  extra: { sticky?: boolean; instances?: number } = {},
) {
  const h = await ensureAgent(home);
  await configureTarget(h, env, { host: '127.0.0.1', listen: port, ...(extra.sticky && { sticky: true }) });
  await startRelease(h, env, {
    version,
    service: demoService({}, extra.instances ?? 2),
    state: 'canary',
    instances: extra.instances ?? 2,
  });
  await waitFor(`${version} healthy`, async () => {
    const s = await getEnvironmentStatus(home, env);
    const r = s.find((x) => x.version === version);
    return r && r.instances.length > 0 && r.instances.every((i) => i.healthy) ? true : undefined;
  });
  return h;
}

describe('rollgate agent', () => {
  it('guards its control API with a 0600 token and answers 503 with a clear body when nothing is healthy', async () => {
    const h = await ensureAgent(home);
    expect(fs.statSync(agentPaths(home).token).mode & 0o777).toBe(0o600);
    const unauth = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: h.host, port: h.port, path: '/v1/health', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(unauth).toBe(401);
    const port = await freePort();
    await configureTarget(h, 'empty', { host: '127.0.0.1', listen: port });
    const a = await get(port);
    expect(a.status).toBe(503);
    expect(a.body).toMatch(/no healthy instance can serve environment empty \(no release deployed\)/);
  });

  it('takes a crashed instance out of rotation and restarts it', async () => {
    const port = await freePort();
    const h = await serve('crash', port, '1.0.0');
    await setWeights(h, 'crash', { weights: { '1.0.0': 100 }, states: { '1.0.0': 'stable' } });
    const before = await getEnvironmentStatusFull(h, 'crash');
    const victim = before.releases[0]?.instances[0];
    expect(victim).toBeDefined();
    process.kill(victim?.pid as number, 'SIGKILL');
    const restarted = await waitFor('restart', async () => {
      const s = await getEnvironmentStatusFull(h, 'crash');
      const inst = s.releases[0]?.instances.find((i) => i.id === victim?.id);
      return inst && inst.pid !== victim?.pid && inst.healthy ? inst : undefined;
    });
    expect(restarted.restarts).toBe(1);
    const events = await eventsAfter(h, 'crash', 0);
    const kinds = events.filter((e) => e.data.instance === victim?.id).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['instance.exited', 'health.changed']));
    expect(
      events.some(
        (e) => e.kind === 'health.changed' && e.data.instance === victim?.id && e.data.healthy === false,
      ),
    ).toBe(true);
    expect(await versionsOf(port, 20)).toEqual({ '1.0.0': 20 });
  });

  it('keeps sticky clients on one release while traffic is split', async () => {
    const port = await freePort();
    const h = await serve('sticky', port, '1.0.0');
    await startRelease(h, 'sticky', {
      version: '2.0.0',
      service: demoService(),
      state: 'canary',
      instances: 2,
    });
    await waitFor('2.0.0 healthy', async () => {
      const s = await getEnvironmentStatus(home, 'sticky');
      return s.find((r) => r.version === '2.0.0')?.instances.every((i) => i.healthy) ? true : undefined;
    });
    await configureTarget(h, 'sticky', { host: '127.0.0.1', listen: port, sticky: true });
    await setWeights(h, 'sticky', { weights: { '1.0.0': 50, '2.0.0': 50 } });
    const seen = new Set<string>();
    for (let client = 0; client < 20; client++) {
      const first = await get(port);
      const cookie = String(first.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
      expect(cookie).toMatch(/^rollgate_release=/);
      seen.add(first.version as string);
      for (let i = 0; i < 10; i++) {
        const a = await get(port, '/', { cookie });
        expect(a.version).toBe(first.version);
      }
    }
    expect(seen).toEqual(new Set(['1.0.0', '2.0.0']));
  });

  it('passes WebSocket traffic through the router', async () => {
    const port = await freePort();
    const h = await ensureAgent(home);
    await configureTarget(h, 'ws', { host: '127.0.0.1', listen: port });
    await startRelease(h, 'ws', {
      version: '1.0.0',
      service: { ...demoService({}, 1), start: 'node ws-app.mjs', cwd: fixtures },
      state: 'stable',
      instances: 1,
    });
    await waitFor('ws app healthy', async () => {
      const s = await getEnvironmentStatus(home, 'ws');
      return s[0]?.instances.every((i) => i.healthy) ? true : undefined;
    });
    await setWeights(h, 'ws', { weights: { '1.0.0': 100 } });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
        ws.send('hello');
        ws.send('again');
      });
      ws.on('message', (m) => {
        replies.push(String(m));
        if (replies.length === 2) resolve();
      });
      ws.on('error', reject);
    });
    ws.close();
    expect(replies).toEqual(['1.0.0:hello', '1.0.0:again']);
  });

  it('records per-release metrics and exposes them on the control API and /metrics', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const h = await serve('metrics', port, '1.0.0', { instances: 1 });
    await configureTarget(h, 'metrics', { host: '127.0.0.1', listen: port, metricsListen: metricsPort });
    await setWeights(h, 'metrics', { weights: { '1.0.0': 100 } });
    const from = Date.now() - 1000;
    await versionsOf(port, 40);
    const [m] = await fetchReleaseMetrics(home, 'metrics', { from, to: Date.now() + 1000 });
    expect(m).toMatchObject({ version: '1.0.0', requests: 40, errors: 0, status: { '2xx': 40 } });
    expect(m?.samples).toHaveLength(40);
    expect(m?.latencyMs.p50).toBeGreaterThan(0);
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(text).toMatch(
      /rollgate_router_requests_total\{environment="metrics",release="1.0.0",class="2xx"\} 40/,
    );
  });

  it('after a SIGKILL of the agent, a new agent restores routing and re-adopts or restarts instances', async () => {
    const port = await freePort();
    const h = await serve('restore', port, '1.0.0');
    await setWeights(h, 'restore', { weights: { '1.0.0': 100 }, states: { '1.0.0': 'stable' } });
    const before = await getEnvironmentStatusFull(h, 'restore');
    const [a, b] = before.releases[0]?.instances ?? [];
    process.kill(h.pid, 'SIGKILL');
    await waitFor('agent gone', async () => ((await findAgent(home)) === undefined ? true : undefined));
    // one instance dies while no agent watches: the next agent must restart it
    process.kill(b?.pid as number, 'SIGKILL');
    const cli = await runCli(['agent', 'start', '--json'], { env: { ROLLGATE_HOME: home } });
    expect(cli.code).toBe(0);
    const started = JSON.parse(cli.stdout) as { pid: number; started: boolean; address: string };
    expect(started.started).toBe(true);
    expect(started.pid).not.toBe(h.pid);
    const h2 = await ensureAgent(home);
    const after = await waitFor('instances healthy again', async () => {
      const s = await getEnvironmentStatusFull(h2, 'restore');
      const r = s.releases[0];
      return r && r.instances.length === 2 && r.instances.every((i) => i.healthy) ? r : undefined;
    });
    expect(after.weight).toBe(100);
    expect(after.instances.find((i) => i.id === a?.id)?.pid).toBe(a?.pid);
    expect(after.instances.find((i) => i.id === b?.id)?.pid).not.toBe(b?.pid);
    expect(await versionsOf(port, 20)).toEqual({ '1.0.0': 20 });
    const status = await runCli(['agent', 'status', '--json'], { env: { ROLLGATE_HOME: home } });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: started.pid });
  });
});
