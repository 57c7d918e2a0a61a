// End to end with real parts: the real analyzer and router metric provider judging a canary that
// the real agent routes traffic to (demo app processes). A canary answering 30% errors is rolled
// back by the analysis on its own, with the failing metric, value and threshold in the error; a
// healthy canary passes the same gate and is promoted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnvironmentStatus, stopAgent } from '../../src/agent/client.js';
import { analyze } from '../../src/analysis/analyzer.js';
import type { GateConfig } from '../../src/plan/types.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { RollgateError } from '../../src/shared/errors.js';
import { freePort, type Recorded, rolloutOptions, startLoad, tempHome } from '../rollout/harness.js';

const env = 'prod';
let home: string;
let port: number;

const gates: Record<string, GateConfig> = {
  slo: {
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
      {
        name: 'latency-vs-stable',
        provider: 'router',
        query: 'latency',
        judge: 'mann-whitney',
        dryRun: true,
      },
    ],
  },
};

beforeAll(async () => {
  home = tempHome();
  port = await freePort();
  await runRollout(rolloutOptions(home, env, port, '1.0.0', { strategy: 'canary' }));
});

afterAll(async () => {
  await stopAgent(home, { stopInstances: true });
});

describe('canary analysis with the router provider', () => {
  it('rolls a failing canary back by itself, naming metric, value and threshold', async () => {
    const load = startLoad(port, 4);
    const events: Recorded[] = [];
    const err = await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.0.0',
        {
          strategy: 'canary',
          steps: [{ setWeight: 30 }, { analyze: { gate: 'slo', duration: '60s' } }, { setWeight: 100 }],
        },
        { env: { DEMO_ERROR_RATE: '0.3' }, analyzer: analyze, gates, events },
      ),
    ).catch((e: unknown) => e);
    await load.stop();
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    expect((err as RollgateError).message).toMatch(
      /gate slo failed: error-rate: \d+(\.\d+)?% > max 5% \(\d+ samples from 2\.0\.0\) at \d{4}-/,
    );
    const measurements = events.filter(
      (e) => e.kind === 'analysis.measurement' && e.data.metric === 'error-rate',
    );
    expect(measurements.at(-1)?.data).toMatchObject({ verdict: 'fail', condition: 'max 5%' });
    // decided on the first windows with data, long before the 60 one-second windows ran out
    expect(measurements.length).toBeLessThan(10);
    const status = await getEnvironmentStatus(home, env);
    expect(status.find((r) => r.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
    expect(status.find((r) => r.version === '2.0.0')?.weight ?? 0).toBe(0);
  });

  it('background analysis aborts a bad canary in the middle of a long pause', async () => {
    const load = startLoad(port, 4);
    const events: Recorded[] = [];
    const err = await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.1.0',
        {
          strategy: 'canary',
          steps: [{ setWeight: 30 }, { pause: '10m' }, { setWeight: 100 }],
          background: { gate: 'errors' },
        },
        {
          env: { DEMO_ERROR_RATE: '0.3' },
          analyzer: analyze,
          gates: {
            errors: {
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
            },
          },
          events,
        },
      ),
    ).catch((e: unknown) => e);
    await load.stop();
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).message).toMatch(
      /background analysis: gate errors fail(ed)?: .*error-rate: \d+(\.\d+)?% > max 5%/,
    );
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    const kinds = events.map((e) => e.kind);
    // the pause had begun and never ended: the analysis cut it short
    expect(kinds).toContain('rollout.paused');
    expect(kinds).not.toContain('rollout.resumed');
    expect(kinds.indexOf('rollout.paused')).toBeLessThan(kinds.lastIndexOf('analysis.measurement'));
    const status = await getEnvironmentStatus(home, env);
    expect(status.find((r) => r.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
  });

  it('promotes a healthy canary through the same gate', async () => {
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
          steps: [{ setWeight: 50 }, { analyze: { gate: 'slo', duration: '3s' } }, { setWeight: 100 }],
        },
        { analyzer: analyze, gates, events },
      ),
    );
    await load.stop();
    const verdict = events.find((e) => e.kind === 'analysis.verdict' && e.data.metrics !== undefined);
    expect(verdict?.data).toMatchObject({ verdict: 'pass', gate: 'slo' });
    const judged = events.find(
      (e) => e.kind === 'analysis.measurement' && e.data.metric === 'latency-vs-stable',
    );
    expect(judged?.data).toMatchObject({ dryRun: true, canaryVersion: '3.0.0', stableVersion: '1.0.0' });
    const status = await getEnvironmentStatus(home, env);
    expect(status.find((r) => r.version === '3.0.0')).toMatchObject({ weight: 100, state: 'stable' });
  });
});
