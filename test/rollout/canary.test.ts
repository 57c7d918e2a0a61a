// Canary rollouts against a real agent, real demo-app processes and the real router: health
// gating, weights, operator abort, full promotion under load, and rollback to retained releases.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgent, getEnvironmentStatus, sendCommand, stopAgent } from '../../src/agent/client.js';
import { rollbackEnvironment } from '../../src/rollout/rollback.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { RollgateError } from '../../src/shared/errors.js';
import { runCli } from '../helpers/cli.js';
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

beforeAll(async () => {
  home = tempHome();
  port = await freePort();
  await runRollout(rolloutOptions(home, env, port, '1.0.0', { strategy: 'canary' }));
});

afterAll(async () => {
  await stopAgent(home);
});

describe('canary rollout', () => {
  it('serves the first release on the listen port', async () => {
    expect(await versionsOf(port, 20)).toEqual({ '1.0.0': 20 });
    const status = await getEnvironmentStatus(home, env);
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ version: '1.0.0', weight: 100, state: 'stable' });
    expect(status[0]?.instances.every((i) => i.healthy && i.pid > 0 && i.port > 0)).toBe(true);
  });

  it('never sends traffic to an unhealthy release and fails naming the check; stable keeps serving', async () => {
    const load = startLoad(port, 4);
    const events: Recorded[] = [];
    const err = await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.0.0-bad',
        { strategy: 'canary', steps: [{ setWeight: 50 }] },
        {
          env: { DEMO_UNHEALTHY: '1' },
          healthDeadlineMs: 2000,
          events,
        },
      ),
    ).catch((e: unknown) => e);
    const result = await load.stop();
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('STEP_FAILED');
    expect((err as RollgateError).message).toMatch(/http GET \/healthz on port \d+ answered 503/);
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    expect(result.failed).toBe(0);
    expect(result.byVersion['2.0.0-bad']).toBeUndefined();
    expect(result.ok).toBeGreaterThan(0);
    expect(events.some((e) => e.kind === 'rollout.aborted')).toBe(true);
    const status = await getEnvironmentStatus(home, env);
    expect(status.find((r) => r.version === '1.0.0')).toMatchObject({ weight: 100, state: 'stable' });
  });

  it('honours weights, and an operator abort moves all traffic back to stable', async () => {
    const h = await ensureAgent(home);
    const events: Recorded[] = [];
    const rollout = runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '1.1.0',
        { strategy: 'canary', steps: [{ setWeight: 30 }, { pause: {} }] },
        { events },
      ),
    ).catch((e: unknown) => e);
    await waitFor('canary at 30%', async () => {
      const s = await getEnvironmentStatus(home, env);
      return s.find((r) => r.version === '1.1.0')?.weight === 30 ? true : undefined;
    });
    const counts = await versionsOf(port, 1000);
    const share = (counts['1.1.0'] ?? 0) / 1000;
    // binomial(1000, 0.3): sd ≈ 0.0145; ±0.06 is over 4 sd
    expect(share).toBeGreaterThan(0.24);
    expect(share).toBeLessThan(0.36);
    expect((counts['1.0.0'] ?? 0) + (counts['1.1.0'] ?? 0)).toBe(1000);

    await sendCommand(h, env, 'abort', 'test');
    const err = await rollout;
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('CANCELLED');
    expect(await versionsOf(port, 50)).toEqual({ '1.0.0': 50 });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['rollout.weight', 'rollout.aborted']));
  });

  it('loses no request across a full canary promotion and an abort under load', async () => {
    const load = startLoad(port, 6);
    const events: Recorded[] = [];
    await runRollout(
      rolloutOptions(
        home,
        env,
        port,
        '2.0.0',
        {
          strategy: 'canary',
          steps: [{ setWeight: 20 }, { pause: '400ms' }, { setWeight: 60 }, { pause: '400ms' }],
        },
        { events },
      ),
    );
    const h = await ensureAgent(home);
    const aborted = runRollout(
      rolloutOptions(home, env, port, '3.0.0', {
        strategy: 'canary',
        steps: [{ setWeight: 50 }, { pause: {} }],
      }),
    ).catch((e: unknown) => e);
    await waitFor('canary 3.0.0 at 50%', async () => {
      const s = await getEnvironmentStatus(home, env);
      return s.find((r) => r.version === '3.0.0')?.weight === 50 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    await sendCommand(h, env, 'abort', 'test');
    expect(await aborted).toBeInstanceOf(RollgateError);
    // the old instances of 1.0.0 and 3.0.0 drain and stop while the load keeps running
    await waitFor('3.0.0 gone', async () => {
      const s = await getEnvironmentStatus(home, env);
      return s.some((r) => r.version === '3.0.0') ? undefined : true;
    });
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.byVersion['2.0.0']).toBeGreaterThan(0);
    expect(result.byVersion['1.0.0']).toBeGreaterThan(0);
    expect(result.byVersion['3.0.0']).toBeGreaterThan(0);
    const weights = events.filter((e) => e.kind === 'rollout.weight').map((e) => e.data.weights);
    expect(weights).toEqual([
      { '2.0.0': 20, '1.0.0': 80 },
      { '2.0.0': 60, '1.0.0': 40 },
      { '2.0.0': 100, '1.0.0': 0 },
    ]);
    expect(events.some((e) => e.kind === 'rollout.promoted' && typeof e.data.at === 'string')).toBe(true);
    expect(await versionsOf(port, 30)).toEqual({ '2.0.0': 30 });
  });

  it('rolls back to the previous release, and rollback --to re-activates a named retained one', async () => {
    const h = await ensureAgent(home);
    const load = startLoad(port, 4);
    const back = await rollbackEnvironment(h, env, { healthDeadlineMs: 20_000 });
    expect(back).toMatchObject({ from: '2.0.0', to: '1.0.0' });
    expect(await versionsOf(port, 30)).toEqual({ '1.0.0': 30 });
    const cli = await runCli(['rollback', '--env', env, '--to', '2.0.0', '--json'], {
      env: { ROLLGATE_HOME: home },
    });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({
      rolledBack: true,
      from: '1.0.0',
      to: '2.0.0',
      instant: true,
    });
    const result = await load.stop();
    expect(result.failed).toBe(0);
    expect(await versionsOf(port, 30)).toEqual({ '2.0.0': 30 });
    const missing = await runCli(['rollback', '--env', env, '--to', '9.9.9'], {
      env: { ROLLGATE_HOME: home },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/release 9\.9\.9 is not retained in prod; retained releases: 1\.0\.0/);
  });
});
