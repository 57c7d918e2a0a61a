// Rollback: re-activate the previous (or a named) retained release without re-running the plan.
// If its instances still run (blue-green scaleDownDelay) the switch is instant; otherwise they are
// restarted and health-gated first. A rollout in progress is aborted first.

import {
  type AgentHandle,
  getEnvironmentStatusFull,
  sendCommand,
  startRelease,
  stopRelease,
} from '../agent/client.js';
import { RollgateError } from '../shared/errors.js';
import { abortEnvironment } from './abort.js';
import { RolloutSession } from './rollout-session.js';

export interface RollbackOptions {
  to?: string;
  healthDeadlineMs?: number;
  /** How long the release rolled back from keeps running (for an instant re-rollback). */
  keepPreviousMs?: number;
  signal?: AbortSignal;
  record?(kind: string, data: Record<string, unknown>): Promise<number>;
  log?(line: string): void;
  by?: string;
}

export interface RollbackResult {
  from: string | null;
  to: string;
  instant: boolean;
  switchedAt: number;
}

export async function rollbackEnvironment(
  h: AgentHandle,
  environment: string,
  o: RollbackOptions = {},
): Promise<RollbackResult> {
  const record = o.record ?? (async () => 0);
  const log = o.log ?? (() => undefined);
  let s = await getEnvironmentStatusFull(h, environment);
  if (s.rollout !== null && !s.rollout.aborted) {
    await sendCommand(h, environment, 'abort', o.by ?? 'rollgate rollback');
    await abortEnvironment(h, environment);
    s = await getEnvironmentStatusFull(h, environment);
  }
  const current = s.releases.find((r) => r.state === 'stable');
  const candidates = s.releases
    .filter((r) => r.version !== current?.version && r.state === 'retained')
    .sort((a, b) => b.createdAt - a.createdAt);
  const target = o.to === undefined ? candidates[0] : s.releases.find((r) => r.version === o.to);
  const known = candidates.map((r) => r.version).join(', ') || 'none';
  if (target === undefined) {
    throw new RollgateError(
      'NOT_FOUND',
      o.to === undefined
        ? `environment ${environment} has no retained release to roll back to (retained: none)`
        : `release ${o.to} is not retained in ${environment}; retained releases: ${known}`,
    );
  }
  if (target.version === current?.version) {
    throw new RollgateError(
      'INVALID_INPUT',
      `release ${target.version} is already the stable release of ${environment}`,
    );
  }
  const session = new RolloutSession({
    handle: h,
    environment,
    version: target.version,
    rolloutId: undefined,
    signal: o.signal ?? new AbortController().signal,
    record,
    log,
    eventSeq: s.lastEventSeq,
    commandSeq: s.lastCommandSeq,
  });
  const runningHealthy = target.instances.filter((i) => i.healthy).length;
  const instant = runningHealthy > 0;
  // restarts missing instances (or all of them) and cancels a pending scale-down
  const started = await startRelease(h, environment, { version: target.version, state: 'retained' });
  if (!instant) {
    log(`starting ${target.version} (${started.desiredInstances} instances) and waiting for health`);
    await session.waitHealthy(target.version, started.desiredInstances, o.healthDeadlineMs ?? 30_000);
  }
  const weights: Record<string, number> = { [target.version]: 100 };
  for (const r of s.releases) if (r.version !== target.version && r.weight > 0) weights[r.version] = 0;
  const switchedAt = await session.setWeights(weights, {
    [target.version]: 'stable',
    ...(current !== undefined && { [current.version]: 'retained' }),
  });
  if (current !== undefined) {
    await stopRelease(h, environment, current.version, { afterMs: o.keepPreviousMs ?? 30_000, keep: true });
  }
  await record('rollout.rolledBack', {
    from: current?.version ?? null,
    to: target.version,
    instant,
    at: new Date(switchedAt).toISOString(),
  });
  log(
    `rolled back ${environment} to ${target.version}${instant ? ' (instant: instances were still running)' : ''}`,
  );
  return { from: current?.version ?? null, to: target.version, instant, switchedAt };
}
