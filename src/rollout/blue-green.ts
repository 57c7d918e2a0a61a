// Blue-green: start green next to blue (no traffic; visible on the preview port when configured),
// health-gate it, optional pre-promotion analysis, wait for `rollgate promote` when autoPromote is
// false, switch all traffic at once, keep blue running for scaleDownDelay so a rollback is instant,
// and switch straight back if the post-promotion analysis fails. Background analysis watches green
// from the switch until the post-promotion analysis ends and for most of scaleDownDelay.

import { setWeights, startRelease, stopRelease } from '../agent/client.js';
import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import type { StrategyInput } from './deploy-params.js';
import { type PromotionResult, promoteRelease } from './promotion.js';
import { runAnalysis } from './run-analysis.js';

export async function runBlueGreen(x: StrategyInput): Promise<PromotionResult> {
  const s = x.session;
  const green = s.version;
  const blue = x.stable.version;
  await startRelease(s.h, s.environment, {
    version: green,
    service: x.service,
    state: 'preview',
    instances: x.service.instances,
  });
  await s.waitHealthy(green, x.service.instances, x.healthDeadlineMs);
  const st = await s.status();
  if (st.target?.previewListen !== undefined) {
    s.log(`preview of ${green} on http://${st.target.host}:${st.target.previewListen}/`);
    await s.record('rollout.preview', {
      version: green,
      listen: st.target.previewListen,
      at: new Date().toISOString(),
    });
  }
  if (x.params.prePromotionAnalysis !== undefined)
    await runAnalysis(x, x.params.prePromotionAnalysis, 'pre-promotion analysis');
  if (x.params.autoPromote === false) {
    s.log(`green ${green} is healthy; waiting for rollgate promote --env ${s.environment}`);
    await s.record('rollout.paused', { untilPromoted: true, at: new Date().toISOString() });
    await s.pause(0, true);
  }
  const scaleDownDelayMs = parseDuration(x.params.scaleDownDelay ?? '30s') ?? 30_000;
  const result = await promoteRelease(s, green, { oldStopAfterMs: scaleDownDelayMs, retain: x.retain });
  if (x.params.postPromotionAnalysis !== undefined || x.background.configured) {
    x.background.start();
    try {
      if (x.params.postPromotionAnalysis !== undefined)
        await runAnalysis(x, x.params.postPromotionAnalysis, 'post-promotion analysis');
      if (x.background.configured) {
        // background analysis watches green while blue still runs, so switching back stays instant
        const watchUntil = result.switchedAt + scaleDownDelayMs - Math.min(2000, scaleDownDelayMs / 10);
        if (Date.now() < watchUntil) {
          await s.record('rollout.watching', {
            version: green,
            gate: x.params.background?.gate,
            untilMs: watchUntil - Date.now(),
            at: new Date().toISOString(),
          });
          const ended = await s.pause(watchUntil - Date.now(), false);
          if (ended) s.log('background watch ended early by rollgate promote');
        }
        await x.background.finish();
      }
    } catch (err) {
      // blue still runs: switch back in one call, then stop green
      const { at } = await setWeights(s.h, s.environment, {
        weights: { [blue]: 100, [green]: 0 },
        states: { [blue]: 'stable', [green]: 'stopping' },
      });
      await stopRelease(s.h, s.environment, green, { afterMs: 0, keep: false });
      await s.record('rollout.aborted', {
        version: green,
        reason: (err as Error).message,
        restored: blue,
        at: new Date(at).toISOString(),
      });
      throw new RollgateError('STEP_FAILED', `${(err as Error).message}; traffic switched back to ${blue}`, {
        cause: err,
        details: { rolledBack: true, alreadyRecorded: true },
      });
    }
  }
  return result;
}
