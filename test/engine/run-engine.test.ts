// The engine through the real CLI with real child processes, against both stores: wave order,
// parallel phases, timeouts that kill whole process groups, retries, continueOnError, secrets.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  processAlive,
  type StoreKind,
  type Workspace,
} from '../helpers/workspace.js';

describe.each<StoreKind>(['sqlite', 'postgres'])('engine (%s store)', (kind) => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace(kind);
  });
  afterAll(async () => {
    await ws.dispose();
  });

  it('runs waves in dependency order and independent phases at the same time', async () => {
    // b and c can only both finish if they run concurrently: each waits for the other's marker.
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: a
    steps: [ { run: "echo a >> order.log" } ]
  - name: b
    needs: [a]
    steps:
      - run: "touch b.ready; for i in $(seq 1 200); do [ -f c.ready ] && break; sleep 0.05; done; [ -f c.ready ] && echo b >> order.log"
  - name: c
    needs: [a]
    steps:
      - run: "touch c.ready; for i in $(seq 1 200); do [ -f b.ready ] && break; sleep 0.05; done; [ -f b.ready ] && echo c >> order.log"
  - name: d
    needs: [b, c]
    steps: [ { run: "echo d >> order.log" } ]
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1.0.0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const order = readFileSync(join(ws.dir, 'order.log'), 'utf8').trim().split('\n');
    expect(order[0]).toBe('a');
    expect(order.slice(1, 3).sort()).toEqual(['b', 'c']);
    expect(order[3]).toBe('d');
    const plan = await ws.cli(['plan', '--env', 'staging', '--json']);
    expect(JSON.parse(plan.stdout).waves).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('with --concurrency 1 runs independent phases one at a time', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: b
    steps: [ { run: "touch b.on; sleep 0.3; [ ! -f c.on ] && echo ok-b >> serial.log; rm b.on" } ]
  - name: c
    steps: [ { run: "touch c.on; sleep 0.3; [ ! -f b.on ] && echo ok-c >> serial.log; rm c.on" } ]
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1', '--concurrency', '1']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'serial.log'), 'utf8').trim().split('\n').sort()).toEqual([
      'ok-b',
      'ok-c',
    ]);
  });

  it('a timeout kills the whole process group, leaving no orphan', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: slow
    steps:
      - run: "sleep 60 & echo $! > child.pid; wait"
        timeout: 700ms
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/timed out after 700ms/);
    const pid = Number(readFileSync(join(ws.dir, 'child.pid'), 'utf8'));
    await eventually(async () => (processAlive(pid) ? undefined : true), `sleep (pid ${pid}) to be gone`);
    expect(processAlive(pid)).toBe(false);
    const store = await ws.store();
    const [run] = await store.listRuns({ limit: 1 });
    expect(run?.status).toBe('failed');
    const attempts = await store.listStepAttempts(run?.id as string);
    expect(attempts.map((a) => a.status)).toEqual(['timed_out']);
  });

  it('retries a failing step with backoff and records each attempt', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: flaky
    steps:
      - run: "echo x >> tries.log; [ $(wc -l < tries.log) -ge 3 ]"
        retries: 3
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'tries.log'), 'utf8').trim().split('\n')).toHaveLength(3);
    const store = await ws.store();
    const [run] = await store.listRuns({ limit: 1 });
    const attempts = await store.listStepAttempts(run?.id as string);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    const retrying = await store.listEvents(run?.id as string, { kinds: ['step.retrying'] });
    expect(retrying.map((e) => e.data.delayMs)).toEqual([50, 100]);
  });

  it('a failed step stops its phase and what needs it; continueOnError does not; the run exits 1', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: a
    steps:
      - run: "exit 3"
        continueOnError: true
      - run: "echo after-tolerated >> f.log"
  - name: b
    needs: [a]
    steps:
      - run: "exit 2"
      - run: "echo never >> f.log"
  - name: c
    needs: [b]
    steps: [ { run: "echo never-c >> f.log" } ]
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1', '--json']);
    expect(r.code).toBe(1);
    expect(readFileSync(join(ws.dir, 'f.log'), 'utf8').trim()).toBe('after-tolerated');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const skipped = lines.find((l) => l.kind === 'phase.skipped');
    expect(skipped.data).toMatchObject({ phase: 'c' });
    expect(lines.at(-1)).toMatchObject({ type: 'result', status: 'failed' });
    expect(lines.at(-1).reason).toMatch(/b\/0.*exited with 2/);
  });

  it('never shows a secret value in output, events or the stored run', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: a
    steps:
      - run: "echo token is \${{ secrets.API_TOKEN }}; echo from-env $API_TOKEN_COPY"
`);
    const secret = 'hunter2-very-secret';
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1', '--json'], {
      env: { API_TOKEN: secret, API_TOKEN_COPY: secret },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('token is ***');
    expect(r.stdout).toContain('from-env ***');
    expect(r.stdout).not.toContain(secret);
    const store = await ws.store();
    const [run] = await store.listRuns({ limit: 1 });
    const events = await store.listEvents(run?.id as string);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(run)).not.toContain(secret);
  });

  it('an undefined variable is an error before anything runs (exit 2, with position)', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: a
    steps:
      - run: "echo \${{ vars.REGION }} > ran.txt"
`);
    const r = await ws.cli(['deploy', '--env', 'staging', '--version', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rollgate\.yaml:7:9: step .* uses vars\.REGION, which is not defined/);
    const ok = await ws.cli(['deploy', '--env', 'staging', '--version', '1', '--var', 'REGION=eu']);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'ran.txt'), 'utf8').trim()).toBe('eu');
  });
});
