// Entry of a rollout (used by the deploy step): makes sure the agent runs and the environment's
// router listens, refuses a second concurrent rollout, deploys the first release directly or runs
// the chosen strategy against the current stable, and on any failure or `rollgate abort` moves all
// traffic back to stable and stops the new release before reporting.

import {
  beginRollout,
  configureTarget,
  endRollout,
  ensureAgent,
  forgetRelease,
  startRelease,
} from '../agent/client.js';
import { pidAlive } from '../agent/instance.js';
import type { ServiceSpec, TargetSpec } from '../agent/types.js';
import type { GateConfig } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import { abortEnvironment } from './abort.js';
import type { Analyzer } from './analysis-hook.js';
import { BackgroundAnalysis } from './background-analysis.js';
import { runBlueGreen } from './blue-green.js';
import { runCanary } from './canary.js';
import type { DeployParams, StrategyInput } from './deploy-params.js';
import { type PromotionResult, promoteRelease } from './promotion.js';
import { runRolling } from './rolling.js';
import { AbortedByOperator, type Recorder, RolloutSession } from './rollout-session.js';

export interface RolloutOptions {
  home: string;
  environment: string;
  version: string;
  params: DeployParams;
  service: ServiceSpec;
  target: TargetSpec;
  analyzer: Analyzer;
  gates: Record<string, GateConfig>;
  retain: number;
  healthDeadlineMs: number;
  signal: AbortSignal;
  record: Recorder;
  log(line: string): void;
}

export interface RolloutSummary extends PromotionResult {
  strategy: string;
  firstRelease: boolean;
}

export async function runRollout(o: RolloutOptions): Promise<RolloutSummary> {
  const h = await ensureAgent(o.home);
  const previewListen = o.params.previewListen ?? o.target.previewListen;
  await configureTarget(h, o.environment, {
    ...o.target,
    ...(previewListen !== undefined && { previewListen }),
  });
  const session0 = new RolloutSession({
    handle: h,
    environment: o.environment,
    version: o.version,
    rolloutId: undefined,
    signal: o.signal,
    record: o.record,
    log: o.log,
    eventSeq: 0,
    commandSeq: 0,
  });
  const s0 = await session0.status();
  const active = s0.rollout;
  if (active !== null && !active.aborted && active.ownerPid !== process.pid && pidAlive(active.ownerPid)) {
    throw new RollgateError(
      'LOCKED',
      `a ${active.strategy} rollout of ${active.version} to ${o.environment} is in progress (pid ${active.ownerPid}); wait, or run rollgate abort --env ${o.environment}`,
    );
  }
  const existing = s0.releases.find((r) => r.version === o.version);
  if (existing?.state === 'stable') {
    throw new RollgateError(
      'INVALID_INPUT',
      `version ${o.version} is already the stable release of ${o.environment}; deploy a new version or use rollgate rollback`,
    );
  }
  if (existing !== undefined) await forgetRelease(h, o.environment, o.version);
  const stable = s0.releases.find((r) => r.state === 'stable');
  const strategy = stable === undefined ? 'initial' : o.params.strategy;
  const rollout = await beginRollout(h, o.environment, { version: o.version, strategy });
  const session = new RolloutSession({
    handle: h,
    environment: o.environment,
    version: o.version,
    rolloutId: rollout.id,
    signal: o.signal,
    record: o.record,
    log: o.log,
    eventSeq: s0.lastEventSeq,
    commandSeq: s0.lastCommandSeq,
  });
  await o.record('rollout.started', {
    version: o.version,
    strategy,
    stable: stable?.version ?? null,
    listen: o.target.listen,
    at: new Date().toISOString(),
  });
  try {
    let result: PromotionResult;
    if (stable === undefined) {
      result = await firstRelease(session, o);
    } else {
      const background = new BackgroundAnalysis({
        session,
        analyzer: o.analyzer,
        gates: o.gates,
        home: o.home,
        stableVersion: stable.version,
        ref: o.params.background,
      });
      const input: StrategyInput = {
        session,
        params: o.params,
        service: o.service,
        stable,
        healthDeadlineMs: o.healthDeadlineMs,
        analyzer: o.analyzer,
        gates: o.gates,
        home: o.home,
        retain: o.retain,
        background,
      };
      try {
        if (o.params.strategy === 'canary') result = await runCanary(input);
        else if (o.params.strategy === 'blueGreen') result = await runBlueGreen(input);
        else result = await runRolling(input);
      } finally {
        // why: a failing rollout must not keep measuring (or recording) while it rolls back
        await background.stop();
      }
    }
    return { ...result, strategy, firstRelease: stable === undefined };
  } catch (err) {
    throw await failRollout(session, o, err);
  } finally {
    await endRollout(h, o.environment, rollout.id).catch(() => undefined);
  }
}

async function firstRelease(session: RolloutSession, o: RolloutOptions): Promise<PromotionResult> {
  await startRelease(session.h, o.environment, {
    version: o.version,
    service: o.service,
    state: 'starting',
    instances: o.service.instances,
  });
  await session.waitHealthy(o.version, o.service.instances, o.healthDeadlineMs);
  return promoteRelease(session, o.version, { oldStopAfterMs: 0, retain: o.retain });
}

async function failRollout(session: RolloutSession, o: RolloutOptions, err: unknown): Promise<RollgateError> {
  const already = err instanceof RollgateError && err.details?.alreadyRecorded === true;
  const reason = err instanceof Error ? err.message : String(err);
  let restored: string | null = null;
  if (!already) {
    try {
      const r = await abortEnvironment(session.h, o.environment, { healthDeadlineMs: o.healthDeadlineMs });
      restored = r.stable;
      await session.syncEvents().catch(() => undefined);
      await o.record('rollout.aborted', {
        version: o.version,
        reason,
        restored,
        stopped: r.stopped,
        at: new Date(r.at ?? Date.now()).toISOString(),
      });
      o.log(
        `aborted: ${restored ? `all traffic back on ${restored}` : 'no stable release to return to'}; ${o.version} stopped`,
      );
    } catch (abortErr) {
      return new RollgateError(
        'STEP_FAILED',
        `${reason}; and the automatic abort failed too: ${(abortErr as Error).message}; run rollgate abort --env ${o.environment}`,
        { cause: err, details: { rolledBack: false } },
      );
    }
  }
  const tail = restored ? `; traffic is back on ${restored}` : '';
  if (err instanceof AbortedByOperator) {
    return new RollgateError('CANCELLED', `deploy of ${o.version} ${err.message}${tail}`, {
      details: { rolledBack: true },
    });
  }
  if (err instanceof RollgateError && err.code === 'CANCELLED') {
    return new RollgateError('CANCELLED', `${reason}${tail}`, { cause: err, details: { rolledBack: true } });
  }
  return new RollgateError('STEP_FAILED', `deploy of ${o.version} failed: ${reason}${already ? '' : tail}`, {
    cause: err,
    details: { rolledBack: true },
  });
}
