// Background analysis (`background: {gate}`) with real parts: the real agent and router, demo-app
// releases that answer errors, real HTTP load from the test and the real analyzer with the router
// provider. A failing background gate aborts a canary in the middle of a long pause (timed and
// `pause: {}`) and puts all traffic back on stable; an inconclusive one holds the rollout for a
// person unless the gate says onInconclusive: fail.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgent, getEnvironmentStatus, sendCommand, stopAgent } from '../../src/agent/client.js';
import { analyze } from '../../src/analysis/analyzer.js';
import type { GateConfig } from '../../src/plan/types.js';
import type { DeployParams } from '../../src/rollout/deploy-params.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { RollgateError } from '../../src/shared/errors.js';
import {
  freePort,
  type Recorded,
  rolloutOptions,
  startLoad,
  tempHome,
  versionsOf,
  waitFor,
} from './harness.js';

const env = 'prod';
let home: string;
let port: number;

const errorRate = (extra: Partial<GateConfig> = {}): GateConfig => ({
  metrics: [
    {
      name: 'error-rate',
      provider: 'router',
      query: 'error_rate',
      max: '5%',
      interval: '1s',
      minSamples: 10,
      inconclusiveLimit: 3,
    },
  ],
  ...extra,
});

beforeAll(async () => {
  home = tempHome();
  port = await freePort();
  await runRollout(rolloutOptions(home, env, port, '1.0.0', { strategy: 'canary' }));
});

afterAll(async () => {
  await stopAgent(home, { stopInstances: true });
});

async function expectBackOnStable(badVersion: string): Promise<void> {
  const status = await getEnvironmentStatus(home, env);
  expect(status.find((r) => r.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
  expect(status.find((r) => r.version === badVersion)?.weight ?? 0).toBe(0);
  expect(await versionsOf(port, 30)).toEqual({ '1.0.0': 30 });
}

/** Index of the first event matching, or -1. */
function indexOf(events: Recorded[], match: (e: Recorded) => boolean): number {
  return events.findIndex(match);
}

describe('background analysis', () => {
  for (const [title, pause] of [
    ['a 10 minute pause', '10m'],
    ['a pause until promoted', {}],
  ] as const) {
    it(`aborts a failing canary in the middle of ${title} and rolls back to stable`, async () => {
      const version = typeof pause === 'string' ? '2.0.0' : '2.0.1';
      const load = startLoad(port, 4);
      const events: Recorded[] = [];
      const params: DeployParams = {
        strategy: 'canary',
        steps: [{ setWeight: 30 }, { pause }, { setWeight: 100 }],
        background: { gate: 'slo' },
      };
      const err = await runRollout(
        rolloutOptions(home, env, port, version, params, {
          env: { DEMO_ERROR_RATE: '0.3' },
          analyzer: analyze,
          gates: { slo: errorRate() },
          events,
        }),
      ).catch((e: unknown) => e);
      await load.stop();

      expect(err).toBeInstanceOf(RollgateError);
      expect((err as RollgateError).code).toBe('STEP_FAILED');
      expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
      expect((err as RollgateError).message).toMatch(
        /background analysis: gate slo failed: error-rate: \d+(\.\d+)?% > max 5%/,
      );
      // the pause started, and the background verdict ended it: nothing after it ran
      const paused = indexOf(events, (e) => e.kind === 'rollout.paused');
      const verdict = indexOf(
        events,
        (e) => e.kind === 'analysis.verdict' && e.data.background === true && e.data.label !== undefined,
      );
      const aborted = indexOf(events, (e) => e.kind === 'rollout.aborted');
      expect(paused).toBeGreaterThanOrEqual(0);
      expect(verdict).toBeGreaterThan(paused);
      expect(aborted).toBeGreaterThan(verdict);
      expect(events[verdict]?.data).toMatchObject({
        gate: 'slo',
        verdict: 'fail',
        label: 'background analysis',
      });
      expect(String(events[verdict]?.data.reason)).toMatch(/error-rate: .*> max 5%.* at \d{4}-/);
      expect(events[aborted]?.data).toMatchObject({ restored: '1.0.0' });
      expect(events.some((e) => e.kind === 'rollout.promoted')).toBe(false);
      expect(
        events.some(
          (e) => e.kind === 'rollout.weight' && (e.data.weights as Record<string, number>)[version] === 100,
        ),
      ).toBe(false);
      // the measurements that decided were the background gate's own
      const failing = events.filter((e) => e.kind === 'analysis.measurement' && e.data.verdict === 'fail');
      expect(failing.length).toBeGreaterThan(0);
      await expectBackOnStable(version);
    });
  }

  it('holds the rollout for a person when the background gate is inconclusive; promote resumes it, abort rolls back', async () => {
    // no load: the canary answers nothing, so the gate has no data, and no data is never a pass
    const events: Recorded[] = [];
    const gate = errorRate();
    (gate.metrics[0] as { inconclusiveLimit?: number }).inconclusiveLimit = 0;
    const run = runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.0.2',
        {
          strategy: 'canary',
          steps: [{ setWeight: 10 }, { pause: '10m' }, { setWeight: 100 }],
          background: { gate: 'slo' },
        },
        { analyzer: analyze, gates: { slo: gate }, events },
      ),
    ).catch((e: unknown) => e);
    const hold = await waitFor('the background hold', async () =>
      events.find(
        (e) => e.kind === 'rollout.paused' && /background gate slo inconclusive/.test(String(e.data.reason)),
      ),
    );
    expect(String(hold.data.reason)).toMatch(/no data/);
    expect(
      events.find((e) => e.kind === 'analysis.verdict' && e.data.label === 'background analysis')?.data,
    ).toMatchObject({ verdict: 'inconclusive' });
    // promote: a person says go on; the rollout resumes and the background analysis starts again
    const h = await ensureAgent(home);
    await sendCommand(h, env, 'promote', 'tester');
    await waitFor('the second background hold', async () => {
      const holds = events.filter(
        (e) => e.kind === 'rollout.paused' && /background gate/.test(String(e.data.reason)),
      );
      return holds.length >= 2 ? holds : undefined;
    });
    expect(events.some((e) => e.kind === 'rollout.resumed' && e.data.by === 'rollgate promote')).toBe(true);
    expect(
      events.filter((e) => e.kind === 'analysis.started' && e.data.label === 'background analysis'),
    ).toHaveLength(2);
    await sendCommand(h, env, 'abort', 'tester');
    const err = await run;
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('CANCELLED');
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    await expectBackOnStable('2.0.2');
  });

  it('fails by itself on an inconclusive background gate with onInconclusive: fail', async () => {
    const events: Recorded[] = [];
    const gate = errorRate({ onInconclusive: 'fail' });
    (gate.metrics[0] as { inconclusiveLimit?: number }).inconclusiveLimit = 0;
    const err = await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.0.3',
        {
          strategy: 'canary',
          steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }],
          background: { gate: 'slo' },
        },
        { analyzer: analyze, gates: { slo: gate }, events },
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('STEP_FAILED');
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    expect((err as RollgateError).message).toMatch(
      /background analysis: gate slo (fail: |is inconclusive).*onInconclusive: fail/,
    );
    await expectBackOnStable('2.0.3');
  });

  it('blue-green: a failing background gate after the switch puts all traffic back on blue', async () => {
    const bgEnv = 'bluegreen';
    const bgPort = await freePort();
    const opts = (version: string, params: DeployParams, extra: Parameters<typeof rolloutOptions>[5] = {}) =>
      rolloutOptions(home, bgEnv, bgPort, version, params, extra);
    await runRollout(opts('1.0.0', { strategy: 'blueGreen' }));
    const load = startLoad(bgPort, 4);
    const events: Recorded[] = [];
    const err = await runRollout(
      opts(
        '2.0.0',
        { strategy: 'blueGreen', scaleDownDelay: '10m', background: { gate: 'slo' } },
        { env: { DEMO_ERROR_RATE: '0.3' }, analyzer: analyze, gates: { slo: errorRate() }, events },
      ),
    ).catch((e: unknown) => e);
    await load.stop();
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    expect((err as RollgateError).message).toMatch(
      /background analysis: gate slo fail(ed)?: .*traffic switched back to 1\.0\.0/,
    );
    const promoted = indexOf(events, (e) => e.kind === 'rollout.promoted');
    const watching = indexOf(events, (e) => e.kind === 'rollout.watching');
    const aborted = indexOf(events, (e) => e.kind === 'rollout.aborted');
    expect(promoted).toBeGreaterThanOrEqual(0);
    expect(watching).toBeGreaterThan(promoted);
    expect(aborted).toBeGreaterThan(watching);
    const status = await getEnvironmentStatus(home, bgEnv);
    expect(status.find((r) => r.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
    expect(status.find((r) => r.version === '2.0.0')?.weight ?? 0).toBe(0);
    expect(await versionsOf(bgPort, 20)).toEqual({ '1.0.0': 20 });
  });

  it('lets a healthy canary through: the background gate passes when the rollout ends', async () => {
    const load = startLoad(port, 4);
    const events: Recorded[] = [];
    await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '3.0.0',
        {
          strategy: 'canary',
          steps: [{ setWeight: 50 }, { pause: '3s' }, { setWeight: 100 }],
          background: { gate: 'slo' },
        },
        { analyzer: analyze, gates: { slo: errorRate() }, events },
      ),
    );
    await load.stop();
    const verdict = events.find(
      (e) => e.kind === 'analysis.verdict' && e.data.label === 'background analysis',
    );
    expect(verdict?.data).toMatchObject({ verdict: 'pass', stoppedAtEnd: true });
    const status = await getEnvironmentStatus(home, env);
    expect(status.find((r) => r.version === '3.0.0')).toMatchObject({ weight: 100, state: 'stable' });
  });
});
