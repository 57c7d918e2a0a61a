import { describe, expect, it } from 'vitest';
import { computeDora } from '../../src/report/dora.js';
import type { RunRecord, RunStatus } from '../../src/store/store.js';

const day = 86_400_000;
const now = Date.parse('2025-03-31T00:00:00Z');

function run(id: string, status: RunStatus, finishedDaysAgo: number, env = 'production'): RunRecord {
  const finishedAt = now - finishedDaysAgo * day;
  return {
    id,
    app: 'shop',
    environment: env,
    version: id,
    status,
    planPath: '/p',
    planText: '',
    inputs: {},
    user: 'u',
    owner: null,
    heartbeatAt: null,
    createdAt: finishedAt - 60_000,
    startedAt: finishedAt - 60_000,
    finishedAt,
    reason: null,
  };
}

const none = () => undefined;

describe('computeDora', () => {
  it('computes frequency, lead time, change-failure rate and time to restore with the runs behind each', () => {
    const runs = [
      run('a', 'succeeded', 20),
      run('b', 'rolled_back', 10),
      run('c', 'succeeded', 9),
      run('d', 'failed', 5),
      run('e', 'succeeded', 4), // restores d one day later
      run('f', 'cancelled', 3), // not a deployment
      run('old', 'failed', 45), // outside the window
    ];
    const d = computeDora({
      runs,
      from: now - 30 * day,
      to: now,
      commitTimeOf: (r) =>
        r.id === 'c' ? { time: (r.finishedAt as number) - 2 * 3_600_000, source: 'git' } : undefined,
      restoreOf: (r) => (r.id === 'b' ? { ms: 1200, eventIds: [7, 9] } : undefined),
    });
    expect(d.deploymentFrequency.value).toEqual({ perDay: 0.1, perWeek: 0.7, deployments: 3 });
    expect(d.deploymentFrequency.runIds).toEqual(['a', 'c', 'e']);
    expect(d.leadTime.value).toEqual({ medianMs: 7_200_000, deployments: 1, sources: { git: 1 } });
    expect(d.leadTime.runIds).toEqual(['c']);
    expect(d.changeFailureRate.value).toEqual({ rate: 0.4, failed: 2, deployments: 5 });
    expect(d.changeFailureRate.failedRunIds).toEqual(['b', 'd']);
    expect(d.timeToRestore.incidents).toEqual([
      { runId: 'b', ms: 1200, restoredBy: 'automatic rollback', eventIds: [7, 9] },
      { runId: 'd', ms: day, restoredBy: 'e', eventIds: [] },
    ]);
    expect(d.timeToRestore.value).toEqual({ medianMs: (1200 + day) / 2, incidents: 2 });
  });

  it('says there is no data instead of printing 0', () => {
    const d = computeDora({ runs: [], from: now - 7 * day, to: now, commitTimeOf: none, restoreOf: none });
    for (const f of [d.deploymentFrequency, d.leadTime, d.changeFailureRate, d.timeToRestore]) {
      expect(f.value).toBeNull();
      expect(f.reason).toMatch(/^no /);
    }
  });

  it('asks for a commit time when deployments have none, and leaves an unrestored failure open', () => {
    const d = computeDora({
      runs: [run('a', 'succeeded', 3), run('b', 'failed', 1)],
      from: now - 7 * day,
      to: now,
      commitTimeOf: none,
      restoreOf: none,
    });
    expect(d.leadTime.value).toBeNull();
    expect(d.leadTime.reason).toContain('--commit-time');
    expect(d.timeToRestore.value).toBeNull();
    expect(d.timeToRestore.incidents).toEqual([{ runId: 'b', ms: null, restoredBy: null, eventIds: [] }]);
  });
});
