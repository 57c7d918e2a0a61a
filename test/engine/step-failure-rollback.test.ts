// rollback.on: [step-failure]: a smoke test that fails after a release was promoted puts the release
// it replaced back into service, and the run ends rolled_back (exit 1) with the hooks run. Without
// step-failure in rollback.on the new release stays and the hooks are skipped, on the record.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnvironmentStatus, stopAgent } from '../../src/agent/client.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';
import { demoDir, freePort } from '../rollout/harness.js';

const plan = (listen: number, on: string) => `
app: shop
service:
  start: node server.js
  cwd: ${JSON.stringify(demoDir)}
  instances: 1
  health: { http: /healthz, interval: 100ms, timeout: 500ms, healthyAfter: 1, unhealthyAfter: 2 }
  drain: 500ms
environments:
  production: { target: { kind: local, listen: ${listen} } }
phases:
  - name: rollout
    steps:
      - deploy: { strategy: blueGreen, scaleDownDelay: 1m }
  - name: smoke
    needs: [rollout]
    steps:
      - run: "[ \\"\${{ version }}\\" = v1 ]"
rollback:
  on: [${on}]
  hooks:
    - run: touch hook-\${{ version }}.ran
`;

describe('rollback on a failed step after promotion', () => {
  let ws: Workspace;
  let listen: number;
  beforeAll(async () => {
    ws = await createWorkspace('sqlite');
    listen = await freePort();
  });
  afterAll(async () => {
    await stopAgent(ws.home, { stopInstances: true });
    await ws.dispose();
  });

  const weights = async () =>
    Object.fromEntries((await getEnvironmentStatus(ws.home, 'production')).map((r) => [r.version, r.weight]));

  it('re-activates the previous release and runs the hooks', async () => {
    ws.writePlan(plan(listen, 'health, gate, step-failure'));
    expect((await ws.cli(['deploy', '--env', 'production', '--version', 'v1'])).code).toBe(0);
    const r = await ws.cli(['deploy', '--env', 'production', '--version', 'v2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run ROLLED BACK: step .*smoke\/0/);
    expect(await weights()).toMatchObject({ v1: 100 });
    expect(existsSync(join(ws.dir, 'hook-v2.ran'))).toBe(true);
    const store = await ws.store();
    const [run] = await store.listRuns({ limit: 1 });
    expect(run?.status).toBe('rolled_back');
    const switched = await store.listEvents(run?.id as string, { kinds: ['rollback.release'] });
    expect(switched.map((e) => e.data.phase)).toEqual(['started', 'finished']);
    expect(switched[1]?.data).toMatchObject({ from: 'v2', to: 'v1' });
  });

  it('without step-failure in rollback.on keeps the new release and records why the hooks did not run', async () => {
    ws.writePlan(plan(listen, 'health, gate'));
    const r = await ws.cli(['deploy', '--env', 'production', '--version', 'v3']);
    expect(r.code).toBe(1);
    expect(await weights()).toMatchObject({ v3: 100 });
    expect(existsSync(join(ws.dir, 'hook-v3.ran'))).toBe(false);
    const store = await ws.store();
    const [run] = await store.listRuns({ limit: 1 });
    expect(run?.status).toBe('failed');
    const skipped = await store.listEvents(run?.id as string, { kinds: ['rollback.skipped'] });
    expect(skipped[0]?.data).toMatchObject({ trigger: 'step-failure' });
  });
});
