// Canary: start the new release next to stable, health-gate it, then follow the plan's steps
// (setWeight / pause / analyze), then promote and retire the old release after draining. While
// the canary takes traffic it must keep at least one healthy instance, or the rollout fails, and
// the background analysis (if any) watches it from the first weight above 0 until promotion.

import { startRelease } from '../agent/client.js';
import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import type { CanaryStep, StrategyInput } from './deploy-params.js';
import { type PromotionResult, promoteRelease } from './promotion.js';
import { runAnalysis } from './run-analysis.js';

export async function runCanary(x: StrategyInput): Promise<PromotionResult> {
  const s = x.session;
  const v = s.version;
  const stable = x.stable.version;
  await startRelease(s.h, s.environment, {
    version: v,
    service: x.service,
    state: 'canary',
    instances: x.service.instances,
  });
  await s.waitHealthy(v, x.service.instances, x.healthDeadlineMs);
  let weight = 0;
  let unhealthySince: number | null = null;
  s.guard = async () => {
    if (weight === 0) return;
    const st = await s.status();
    const healthy = st.releases.find((r) => r.version === v)?.instances.filter((i) => i.healthy).length ?? 0;
    if (healthy > 0) {
      unhealthySince = null;
      return;
    }
    unhealthySince ??= Date.now();
    if (Date.now() - unhealthySince > x.healthDeadlineMs) {
      throw new RollgateError(
        'STEP_FAILED',
        `canary ${v} has had no healthy instance for ${Math.round(x.healthDeadlineMs / 1000)}s`,
      );
    }
  };
  const steps: CanaryStep[] = x.params.steps ?? [{ setWeight: 100 }];
  try {
    for (const [i, step] of steps.entries()) {
      if ('setWeight' in step) {
        weight = step.setWeight;
        await s.setWeights({ [v]: weight, [stable]: 100 - weight });
        if (weight > 0) x.background.start();
      } else if ('pause' in step) {
        if (typeof step.pause === 'string') {
          const ms = parseDuration(step.pause) ?? 0;
          await s.record('rollout.paused', { step: i, durationMs: ms, at: new Date().toISOString() });
          const promoted = await s.pause(ms, false);
          if (promoted) s.log('pause ended early by rollgate promote');
        } else {
          await s.record('rollout.paused', { step: i, untilPromoted: true, at: new Date().toISOString() });
          s.log(`paused at ${weight}%: waiting for rollgate promote --env ${s.environment}`);
          await s.pause(0, true);
          await s.record('rollout.resumed', {
            step: i,
            by: 'rollgate promote',
            at: new Date().toISOString(),
          });
        }
      } else {
        await runAnalysis(x, step.analyze, `canary step ${i + 1}`);
      }
    }
    await x.background.finish();
  } finally {
    s.guard = undefined;
  }
  return promoteRelease(s, v, { oldStopAfterMs: 0, retain: x.retain });
}
