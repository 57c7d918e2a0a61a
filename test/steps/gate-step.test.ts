// The `gate: NAME` step with real metric commands: pass, fail with the reason, inconclusive waiting
// for a person, and an unknown gate name.

import { describe, expect, it } from 'vitest';
import type { GateConfig, Plan } from '../../src/plan/types.js';
import { gateStep } from '../../src/steps/gate.js';
import type { StepContext } from '../../src/steps/step-kind.js';

function context(gates: Record<string, GateConfig>, approval?: () => Promise<{ user: string }>) {
  const events: { kind: string; data: Record<string, unknown> }[] = [];
  const approvals: string[] = [];
  const ctx: StepContext = {
    runId: 'run-1',
    app: 'shop',
    environment: 'staging',
    version: '2.0.0',
    stepKey: 'verify/0',
    stepName: 'gate',
    attempt: 1,
    signal: new AbortController().signal,
    planDir: '/tmp',
    home: '/tmp',
    plan: { gates } as unknown as Plan,
    interpolate: <T>(v: T) => v,
    env: {},
    log: () => {},
    record: async (kind, data) => {
      events.push({ kind, data });
      return events.length;
    },
    waitForApproval: async ({ reason }) => {
      approvals.push(reason);
      if (!approval) throw new Error('no approval expected');
      return approval();
    },
  };
  return { ctx, events, approvals };
}

const gates: Record<string, GateConfig> = {
  tests: { metrics: [{ name: 'failures', provider: 'command', query: 'echo 0', max: 0 }] },
  p95: { metrics: [{ name: 'p95', provider: 'command', query: 'echo 2600', max: '2s' }] },
  empty: { metrics: [{ name: 'coverage', provider: 'command', query: 'true', min: '80%' }] },
};

describe('gate step', () => {
  it('passes a gate whose command reports zero failures, measuring once', async () => {
    const { ctx, events } = context(gates);
    const out = await gateStep.execute(ctx, 'tests');
    expect(out.summary).toBe('gate tests passed (score 100)');
    expect(events.filter((e) => e.kind === 'analysis.measurement')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      kind: 'analysis.verdict',
      data: { verdict: 'pass', gate: 'tests' },
    });
  });

  it('fails with the metric, value and threshold in the error', async () => {
    const { ctx } = context(gates);
    await expect(gateStep.execute(ctx, 'p95')).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: expect.stringMatching(/gate p95 failed: p95: 2600ms > max 2s/),
    });
  });

  it('inconclusive waits for a person and records who let it through', async () => {
    const { ctx, approvals } = context(gates, async () => ({ user: 'alice' }));
    const out = await gateStep.execute(ctx, { name: 'empty' });
    expect(approvals[0]).toMatch(/gate empty is inconclusive: .*coverage: no data/);
    expect(out.data).toMatchObject({ verdict: 'inconclusive', approvedBy: 'alice' });
  });

  it('an unknown gate names the ones that exist', async () => {
    const { ctx } = context(gates);
    await expect(gateStep.execute(ctx, 'slo')).rejects.toThrow(
      'gate "slo" is not defined under gates: (defined: tests, p95, empty)',
    );
  });

  it('describes itself for the dry run', () => {
    expect(gateStep.describe({ name: 'slo', duration: '2m' })).toBe('quality gate slo for 2m');
  });
});
