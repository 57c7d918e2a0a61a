// The deploy step kind end to end: a plan loaded from YAML, executed with a step context, against
// the real agent: blue-green with a preview port and a manual promote, rolling replacement, and a
// failing release that rolls back with details.rolledBack.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureAgent,
  getEnvironmentStatus,
  getEnvironmentStatusFull,
  sendCommand,
  stopAgent,
} from '../../src/agent/client.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { RollgateError } from '../../src/shared/errors.js';
import { deployStep } from '../../src/steps/deploy.js';
import { stepSchemas } from '../../src/steps/registry.js';
import type { StepContext } from '../../src/steps/step-kind.js';
import {
  demoDir,
  freePort,
  get,
  type Recorded,
  startLoad,
  tempHome,
  versionsOf,
  waitFor,
} from '../rollout/harness.js';

let home: string;
let listen: number;
let preview: number;
let plan: Plan;

function context(version: string, events: Recorded[], environment = 'prod'): StepContext {
  return {
    runId: 'run-1',
    app: plan.app,
    environment,
    version,
    stepKey: 'rollout/0',
    stepName: 'deploy',
    attempt: 1,
    signal: new AbortController().signal,
    planDir: plan.dir,
    home,
    plan,
    interpolate: <T>(v: T) => v,
    env: {},
    log: () => undefined,
    record: async (kind, data) => {
      events.push({ kind, data });
      return events.length;
    },
    waitForApproval: async () => ({ user: 'test' }),
  };
}

beforeAll(async () => {
  home = tempHome();
  listen = await freePort();
  preview = await freePort();
  const dir = fs.mkdtempSync(path.join(home, 'plan-'));
  const file = path.join(dir, 'rollgate.yaml');
  fs.writeFileSync(
    file,
    `app: shop
service:
  start: node server.js
  cwd: ${demoDir}
  instances: 2
  health: { http: /healthz, interval: 100ms, healthyAfter: 1, unhealthyAfter: 2, startTimeout: 3s }
  drain: 3s
environments:
  prod: { target: { kind: local, listen: ${listen}, previewListen: ${preview} } }
phases:
  - name: rollout
    steps:
      - deploy: { strategy: blueGreen, autoPromote: false, scaleDownDelay: 20s }
`,
  );
  plan = loadPlanFile(file, { stepKinds: { ...stepSchemas, deploy: deployStep.schema } });
});

afterAll(async () => {
  await stopAgent(home);
});

describe('deploy step', () => {
  it('validates its parameters strictly', () => {
    expect(
      deployStep.schema.safeParse({ strategy: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }).success,
    ).toBe(true);
    expect(deployStep.schema.safeParse({ strategy: 'canary', stepz: [] }).success).toBe(false);
    expect(deployStep.schema.safeParse({ strategy: 'canary', steps: [{ setWeight: 120 }] }).success).toBe(
      false,
    );
  });

  it('blue-green: green is visible on the preview port, traffic switches on promote, blue stays for an instant rollback', async () => {
    const params = deployStep.schema.parse({
      strategy: 'blueGreen',
      autoPromote: false,
      scaleDownDelay: '20s',
    });
    await deployStep.execute(context('1.0.0', []), params);
    expect(await versionsOf(listen, 10)).toEqual({ '1.0.0': 10 });

    const load = startLoad(listen, 4);
    const events: Recorded[] = [];
    const run = deployStep.execute(context('2.0.0', events), params);
    await waitFor('green waiting for promote', async () =>
      events.some((e) => e.kind === 'rollout.paused') ? true : undefined,
    );
    expect((await get(preview)).version).toBe('2.0.0');
    expect(await versionsOf(listen, 10)).toEqual({ '1.0.0': 10 });
    await sendCommand(await ensureAgent(home), 'prod', 'promote', 'test');
    const outcome = await run;
    expect(outcome.data).toMatchObject({ version: '2.0.0', previous: '1.0.0', strategy: 'blueGreen' });
    expect(await versionsOf(listen, 10)).toEqual({ '2.0.0': 10 });
    const result = await load.stop();
    expect(result.failed).toBe(0);
    const promoted = events.find((e) => e.kind === 'rollout.promoted');
    expect(promoted?.data).toMatchObject({ version: '2.0.0', previous: '1.0.0' });
    const blue = (await getEnvironmentStatus(home, 'prod')).find((r) => r.version === '1.0.0');
    expect(blue).toMatchObject({ state: 'retained', weight: 0 });
    expect(blue?.instances.every((i) => i.healthy)).toBe(true);
  });

  it('rolling: replaces instances in batches without failed requests', async () => {
    const params = deployStep.schema.parse({ strategy: 'rolling', maxSurge: 1, maxUnavailable: 0 });
    const load = startLoad(listen, 4);
    const events: Recorded[] = [];
    await deployStep.execute(context('3.0.0', events), params);
    const result = await load.stop();
    expect(result.failed).toBe(0);
    expect(events.filter((e) => e.kind === 'rollout.batch')).toHaveLength(2);
    expect(await versionsOf(listen, 10)).toEqual({ '3.0.0': 10 });
    const s = await getEnvironmentStatusFull(await ensureAgent(home), 'prod');
    expect(s.releases.find((r) => r.version === '3.0.0')?.instances).toHaveLength(2);
  });

  it('a release that never becomes healthy fails the step with rolledBack and leaves stable serving', async () => {
    const failing: Plan = {
      ...plan,
      service: { ...(plan.service as NonNullable<Plan['service']>), env: { DEMO_UNHEALTHY: '1' } },
    };
    const ctx = { ...context('4.0.0', []), plan: failing };
    const err = await deployStep
      .execute(ctx, deployStep.schema.parse({ strategy: 'rolling' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollgateError);
    expect((err as RollgateError).code).toBe('STEP_FAILED');
    expect((err as RollgateError).details).toMatchObject({ rolledBack: true });
    expect((err as RollgateError).message).toMatch(
      /did not become healthy within 3s.*answered 503.*traffic is back on 3\.0\.0/,
    );
    expect(await versionsOf(listen, 10)).toEqual({ '3.0.0': 10 });
  });
});
