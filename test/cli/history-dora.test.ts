import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/store/store.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

let ws: Workspace;
const hour = 3_600_000;
const now = Date.now();

beforeAll(async () => {
  ws = await createWorkspace('sqlite');
  const store = await ws.store();
  await store.init();
  const seed = async (id: string, status: RunStatus, hoursAgo: number) => {
    const finishedAt = now - hoursAgo * hour;
    await store.createRun({
      id,
      app: 'shop',
      environment: 'production',
      version: `1.0.${id}`,
      planPath: '/p/rollgate.yaml',
      planText: 'app: shop',
      inputs: {},
      user: 'tester',
      owner: null,
      createdAt: finishedAt - 60_000,
    });
    await store.updateRun(id, { status, startedAt: finishedAt - 60_000, finishedAt });
    return finishedAt;
  };
  await seed('1', 'succeeded', 50);
  const failedAt = await seed('2', 'rolled_back', 30);
  // the rollback's evidence: the gate failed, and 1.5 s later traffic was back on stable
  await store.appendEvent({
    time: failedAt - 5000,
    runId: '2',
    stepKey: 'rollout/0',
    kind: 'analysis.verdict',
    source: 'engine',
    data: { gate: 'slo', verdict: 'fail', reason: 'error_rate 0.08 > 0.01' },
  });
  await store.appendEvent({
    time: failedAt - 3000,
    runId: '2',
    stepKey: 'rollout/0',
    kind: 'rollout.aborted',
    source: 'engine',
    data: { version: '1.0.2', restored: '1.0.1', at: new Date(failedAt - 3500).toISOString() },
  });
  await seed('3', 'succeeded', 20);
  await seed('4', 'succeeded', 24 * 40); // outside a 30d window
});

afterAll(async () => {
  await ws?.dispose();
});

describe('rollgate history DORA figures', () => {
  it('--json keeps the runs and adds dora with the run ids behind each figure', async () => {
    const r = await ws.cli([
      'history',
      '--json',
      '--since',
      '30d',
      '--commit-time',
      new Date(now - 60 * hour).toISOString(),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runs: Array<{ id: string }>;
      dora: Record<string, { value: Record<string, number> | null; runIds: string[] }>;
    };
    expect(out.runs.map((x) => x.id)).toEqual(['3', '2', '1', '4']);
    expect(out.dora.deploymentFrequency?.value?.deployments).toBe(2);
    expect(out.dora.deploymentFrequency?.runIds).toEqual(['1', '3']);
    expect(out.dora.changeFailureRate?.value).toEqual({ rate: 0.333, failed: 1, deployments: 3 });
    expect(out.dora.timeToRestore?.value).toEqual({ medianMs: 1500, incidents: 1 });
    // lead time from --commit-time (60 h ago) to each deploy: 10 h and 40 h, median 25 h
    expect(out.dora.leadTime?.value).toEqual({ medianMs: 25 * hour, deployments: 2, sources: { flag: 2 } });
  });

  it('prints the figures, and "no data" with a reason rather than 0', async () => {
    const r = await ws.cli(['history', '--since', '1h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DORA over the last 1h');
    expect(r.stdout).toContain('deployment frequency  no data: no successful deployment in the window');
    expect(r.stdout).toContain('change-failure rate   no data');
  });

  it('rejects a bad window or commit time with exit 2', async () => {
    expect((await ws.cli(['history', '--since', 'soon'])).code).toBe(2);
    const r = await ws.cli(['history', '--commit-time', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--commit-time yesterday');
  });
});
