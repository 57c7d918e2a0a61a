// Runs driven from outside: cancel with SIGINT, approve/reject from a second process, the
// environment lock (exit 4, --wait-lock), and kill -9 of the CLI followed by resume. Both stores.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../helpers/cli.js';
import {
  createWorkspace,
  eventually,
  processAlive,
  type StoreKind,
  type Workspace,
} from '../helpers/workspace.js';

const longPlan = (env = 'staging') => `
app: shop
environments: { ${env}: {} }
phases:
  - name: first
    steps:
      - run: "echo first >> done.log"
  - name: slow
    needs: [first]
    steps:
      - run: "echo $$ > slow.pid; touch slow.started; sleep 30; echo slow >> done.log"
      - run: "echo last >> done.log"
`;

describe.each<StoreKind>(['sqlite', 'postgres'])('run lifecycle (%s store)', (kind) => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace(kind);
  });
  afterAll(async () => {
    await ws.dispose();
  });

  const waitForFile = (name: string) =>
    eventually(async () => (existsSync(join(ws.dir, name)) ? true : undefined), name);
  const latestRun = async () => (await (await ws.store()).listRuns({ limit: 1 }))[0];

  it('Ctrl-C cancels: running steps are killed, the run is cancelled, the lock released, exit 3', async () => {
    ws.writePlan(longPlan());
    const child = ws.spawn(['deploy', '--env', 'staging', '--version', '1']);
    const done = collect(child);
    await waitForFile('slow.started');
    const shellPid = Number(readFileSync(join(ws.dir, 'slow.pid'), 'utf8'));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/run CANCELLED: cancelled by SIGINT/);
    expect(processAlive(shellPid)).toBe(false);
    const run = await latestRun();
    expect(run?.status).toBe('cancelled');
    expect(await (await ws.store()).getLock('staging')).toBeUndefined();
    expect(readFileSync(join(ws.dir, 'done.log'), 'utf8')).not.toContain('slow');
  });

  it('a second deploy to a locked environment exits 4 naming the holder; --wait-lock waits for it', async () => {
    ws.writePlan(longPlan());
    const first = ws.spawn(['deploy', '--env', 'staging', '--version', '1']);
    const firstDone = collect(first);
    const holder = await eventually(async () => {
      const run = await latestRun();
      return run?.status === 'running' && run.version === '1' ? run : undefined;
    }, 'first run to start');
    const second = await ws.cli(['deploy', '--env', 'staging', '--version', '2']);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain(`locked by run ${holder.id}`);
    expect(second.stderr).toContain('user tester');
    expect(second.stderr).toMatch(/started \d{4}-\d\d-\d\dT/);
    // The waiting deploy gets the lock once the first is cancelled.
    const waiting = ws.spawn(['deploy', '--env', 'staging', '--version', '3', '--wait-lock', '60s']);
    const waitingDone = collect(waiting);
    await eventually(
      async () => (waitingOutput(waiting).includes('waiting') ? true : undefined),
      'the waiting notice',
    );
    first.kill('SIGINT');
    expect((await firstDone).code).toBe(3);
    await eventually(
      async () => ((await latestRun())?.version === '3' ? true : undefined),
      'the waiting run to start',
    );
    waiting.kill('SIGINT');
    expect((await waitingDone).code).toBe(3);
  });

  it('approval: the run waits, `rollgate approve` from another process lets it continue; reject ends it (exit 3)', async () => {
    ws.writePlan(`
app: shop
environments: { production: { approval: { required: true } } }
phases:
  - name: go
    steps:
      - run: "echo deployed >> approved.log"
      - approve: { reason: "check the canary" }
      - run: "echo after-step-approval >> approved.log"
`);
    const child = ws.spawn(['deploy', '--env', 'production', '--version', '7']);
    const done = collect(child);
    const run = await eventually(async () => {
      const r = await latestRun();
      return r?.status === 'awaiting_approval' ? r : undefined;
    }, 'the run to wait for approval');
    expect(existsSync(join(ws.dir, 'approved.log'))).toBe(false);
    const status = await ws.cli(['status', '--env', 'production', '--json']);
    expect(JSON.parse(status.stdout).run).toMatchObject({ id: run.id, state: 'awaiting_approval' });
    const a = await ws.cli(['approve', run.id, '--comment', 'looks good']);
    expect(a.code).toBe(0);
    await waitForFile('approved.log');
    await eventually(
      async () => ((await latestRun())?.status === 'awaiting_approval' ? true : undefined),
      'the step approval',
    );
    const b = await ws.cli(['approve', run.id]);
    expect(b.stdout).toMatch(/at step go\/1/);
    expect((await done).code).toBe(0);
    expect(readFileSync(join(ws.dir, 'approved.log'), 'utf8').trim().split('\n')).toEqual([
      'deployed',
      'after-step-approval',
    ]);
    const events = await (await ws.store()).listEvents(run.id, { kinds: ['approval.granted'] });
    expect(events.map((e) => [e.stepKey, e.data.user, e.data.comment ?? null])).toEqual([
      [null, 'tester', 'looks good'],
      ['go/1', 'tester', null],
    ]);

    const again = ws.spawn(['deploy', '--env', 'production', '--version', '8']);
    const againDone = collect(again);
    const run2 = await eventually(async () => {
      const r = await latestRun();
      return r?.version === '8' && r.status === 'awaiting_approval' ? r : undefined;
    }, 'the second run to wait');
    const rej = await ws.cli(['reject', run2.id, '--comment', 'not today']);
    expect(rej.code).toBe(0);
    const r2 = await againDone;
    expect(r2.code).toBe(3);
    expect((await latestRun())?.status).toBe('rejected');
    const notWaiting = await ws.cli(['approve', run2.id]);
    expect(notWaiting.code).toBe(2);
    expect(notWaiting.stderr).toMatch(/already finished \(rejected\)/);
  });

  it('kill -9 mid-run loses nothing: status shows interrupted, resume finishes without re-running done steps', async () => {
    ws.writePlan(`
app: shop
environments: { staging: {} }
phases:
  - name: first
    steps:
      - run: "echo first >> resume.log"
  - name: slow
    needs: [first]
    steps:
      - run: "echo slow-start >> resume.log; [ -f go.fast ] || { echo $$ > slow2.pid; touch slow2.started; sleep 30; }; echo slow-end >> resume.log"
      - run: "echo last >> resume.log"
`);
    const child = ws.spawn(['deploy', '--env', 'staging', '--version', '9']);
    const done = collect(child);
    await waitForFile('slow2.started');
    child.kill('SIGKILL');
    await done;
    const status = await ws.cli(['status', '--env', 'staging', '--json']);
    const s = JSON.parse(status.stdout);
    expect(s.run.state).toBe('interrupted');
    // the orphaned sleep belongs to the dead CLI's step; the resumed run re-runs only that step
    await import('node:fs').then((fs) => fs.writeFileSync(join(ws.dir, 'go.fast'), ''));
    const r = await ws.cli(['resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 steps already done/);
    // the interrupted attempt's process group (left behind by the killed CLI) was reaped
    const orphan = Number(readFileSync(join(ws.dir, 'slow2.pid'), 'utf8'));
    await eventually(async () => (processAlive(orphan) ? undefined : true), 'the orphaned step to be reaped');
    const lines = readFileSync(join(ws.dir, 'resume.log'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l === 'first')).toHaveLength(1);
    expect(lines.at(-1)).toBe('last');
    const run = await latestRun();
    expect(run?.status).toBe('succeeded');
    const attempts = await (await ws.store()).listStepAttempts(run?.id as string);
    expect(attempts.map((a) => [a.stepKey, a.attempt, a.status])).toEqual([
      ['first/0', 1, 'succeeded'],
      ['slow/0', 1, 'cancelled'],
      ['slow/0', 2, 'succeeded'],
      ['slow/1', 1, 'succeeded'],
    ]);
    expect(await (await ws.store()).getLock('staging')).toBeUndefined();
  });
});

const outputs = new WeakMap<object, string>();
function waitingOutput(child: ReturnType<Workspace['spawn']>): string {
  if (!outputs.has(child)) {
    outputs.set(child, '');
    child.stdout?.on('data', (d: Buffer | string) =>
      outputs.set(child, (outputs.get(child) ?? '') + String(d)),
    );
  }
  return outputs.get(child) ?? '';
}
