// Rolling: replace the stable release's instances with the new release's in batches, never above
// instances + maxSurge in total and never below instances - maxUnavailable healthy. Traffic weights
// follow the instance counts, so each healthy instance gets an even share throughout.

import { scaleRelease, startRelease } from '../agent/client.js';
import type { StrategyInput } from './deploy-params.js';
import { type PromotionResult, promoteRelease } from './promotion.js';

export async function runRolling(x: StrategyInput): Promise<PromotionResult> {
  const s = x.session;
  const v = s.version;
  const stable = x.stable.version;
  const n = x.service.instances;
  const unavailable = Math.min(n, x.params.maxUnavailable ?? 0);
  const surge = x.params.maxSurge ?? (unavailable > 0 ? 0 : 1);
  const effectiveSurge = surge === 0 && unavailable === 0 ? 1 : surge;
  let fresh = 0;
  let old = x.stable.desiredInstances;
  await startRelease(s.h, s.environment, { version: v, service: x.service, state: 'canary', instances: 0 });
  let batch = 0;
  while (fresh < n || old > 0) {
    batch++;
    const upTo = Math.min(n, n + effectiveSurge - old);
    if (upTo > fresh) {
      fresh = upTo;
      await scaleRelease(s.h, s.environment, v, fresh);
      await s.waitHealthy(v, fresh, x.healthDeadlineMs);
    }
    const remove = Math.max(0, Math.min(old, fresh + old - (n - unavailable)));
    if (remove === 0 && upTo <= fresh && fresh >= n && old > 0) {
      old = 0;
    } else {
      old -= remove;
    }
    const total = fresh + old;
    const w = total === 0 ? 100 : Math.round((100 * fresh) / total);
    await s.setWeights({ [v]: w, [stable]: 100 - w });
    if (w > 0) x.background.start();
    if (old < x.stable.desiredInstances || old === 0) await scaleRelease(s.h, s.environment, stable, old);
    await s.record('rollout.batch', {
      batch,
      newInstances: fresh,
      oldInstances: old,
      at: new Date().toISOString(),
    });
    s.log(`batch ${batch}: ${v} ${fresh}/${n}, ${stable} ${old}`);
  }
  await x.background.finish();
  return promoteRelease(s, v, { oldStopAfterMs: 0, retain: x.retain });
}
