// Abort: traffic back to the stable release at once (one agent call), then the new release is
// drained and stopped. Idempotent, so the deploy step and `rollgate abort` may both run it.

import {
  type AgentHandle,
  getEnvironmentStatusFull,
  setWeights,
  startRelease,
  stopRelease,
} from '../agent/client.js';
import type { ReleaseState } from '../agent/types.js';
import { RollgateError } from '../shared/errors.js';

const NEW_STATES = new Set(['starting', 'canary', 'preview']);

export interface AbortResult {
  stable: string | null;
  stopped: string[];
  /** Agent time at which all traffic was back on stable. */
  at: number | null;
}

export async function abortEnvironment(
  h: AgentHandle,
  environment: string,
  options: { healthDeadlineMs?: number } = {},
): Promise<AbortResult> {
  const s = await getEnvironmentStatusFull(h, environment);
  const stable = s.releases.find((r) => r.state === 'stable');
  const fresh = s.releases.filter((r) => NEW_STATES.has(r.state));
  let at: number | null = null;
  if (stable !== undefined) {
    // a rolling update may have scaled stable down: bring it back before moving traffic if needed
    await startRelease(h, environment, { version: stable.version, state: 'stable' });
    if (!stable.instances.some((i) => i.healthy))
      await waitAnyHealthy(h, environment, stable.version, options);
    const weights: Record<string, number> = { [stable.version]: 100 };
    const states: Record<string, ReleaseState> = {};
    for (const r of fresh) {
      weights[r.version] = 0;
      states[r.version] = 'stopping';
    }
    ({ at } = await setWeights(h, environment, { weights, states }));
  }
  for (const r of fresh) {
    try {
      await stopRelease(h, environment, r.version, { afterMs: 0, keep: false });
    } catch (err) {
      // a concurrent abort may have removed it already
      if (!(err instanceof RollgateError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return { stable: stable?.version ?? null, stopped: fresh.map((r) => r.version), at };
}

async function waitAnyHealthy(
  h: AgentHandle,
  environment: string,
  version: string,
  options: { healthDeadlineMs?: number },
): Promise<void> {
  const deadline = Date.now() + (options.healthDeadlineMs ?? 30_000);
  while (Date.now() < deadline) {
    const s = await getEnvironmentStatusFull(h, environment);
    if (s.releases.find((r) => r.version === version)?.instances.some((i) => i.healthy)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
