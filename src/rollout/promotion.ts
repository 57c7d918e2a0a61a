// Promotion: all traffic to the new release in one agent call, the old stable kept as `retained`
// (its instances stop after scaleDownDelay, or right after draining), and retention pruning so at
// most `retain` old releases stay available for `rollgate rollback`.

import { type AgentHandle, forgetRelease, getEnvironmentStatusFull, stopRelease } from '../agent/client.js';
import type { RolloutSession } from './rollout-session.js';

export interface PromotionResult {
  from: string | null;
  to: string;
  /** Agent time of the traffic switch (epoch ms). */
  switchedAt: number;
  /** Time the switch request took, measured around the agent call. */
  switchMs: number;
}

export async function promoteRelease(
  session: RolloutSession,
  newVersion: string,
  options: { oldStopAfterMs: number; retain: number },
): Promise<PromotionResult> {
  const s = await session.status();
  const old = s.releases.find((r) => r.state === 'stable' && r.version !== newVersion);
  const weights: Record<string, number> = { [newVersion]: 100 };
  for (const r of s.releases) if (r.version !== newVersion && r.weight > 0) weights[r.version] = 0;
  const t0 = performance.now();
  const switchedAt = await session.setWeights(weights, {
    [newVersion]: 'stable',
    ...(old !== undefined && { [old.version]: 'retained' }),
  });
  const switchMs = performance.now() - t0;
  if (old !== undefined) {
    await stopRelease(session.h, session.environment, old.version, {
      afterMs: options.oldStopAfterMs,
      keep: true,
    });
  }
  await session.record('rollout.promoted', {
    version: newVersion,
    previous: old?.version ?? null,
    at: new Date(switchedAt).toISOString(),
    switchMs: Math.round(switchMs * 10) / 10,
    oldStopsAfterMs: options.oldStopAfterMs,
  });
  session.log(`promoted ${newVersion}${old ? ` (previous ${old.version} retained for rollback)` : ''}`);
  await pruneRetained(session.h, session.environment, options.retain);
  return { from: old?.version ?? null, to: newVersion, switchedAt, switchMs };
}

/** Forgets the oldest retained releases beyond `retain`. */
export async function pruneRetained(h: AgentHandle, environment: string, retain: number): Promise<string[]> {
  const s = await getEnvironmentStatusFull(h, environment);
  const retained = s.releases.filter((r) => r.state === 'retained').sort((a, b) => b.createdAt - a.createdAt);
  const drop = retained.slice(Math.max(0, retain));
  for (const r of drop) await forgetRelease(h, environment, r.version);
  return drop.map((r) => r.version);
}
