// What a failed run rolls back, following `rollback.on`:
//  - a deploy step that fails has already sent all traffic back to stable (safe by default); the
//    cause is classified as `gate` (an analysis failed), `health` (an instance went unhealthy) or
//    `step-failure`, and the rollback hooks run when that cause is listed in `rollback.on`;
//  - with `step-failure` listed, a step that fails after a deploy step of the same run promoted a
//    new release rolls that release back to the one it replaced, then the hooks run.

import type { Plan, PlanStep } from '../plan/types.js';
import type { RunScope } from './run-scope.js';

export type RollbackTrigger = 'health' | 'gate' | 'step-failure';

/** Why a deploy step's rollout was aborted, from the events it recorded. */
export async function classifyDeployFailure(scope: RunScope, stepKey: string): Promise<RollbackTrigger> {
  const events = await scope.store.listEvents(scope.runId, {
    stepKey,
    kinds: ['analysis.verdict', 'health.changed'],
  });
  if (events.some((e) => e.kind === 'analysis.verdict' && e.data.verdict === 'fail')) return 'gate';
  if (
    events.some(
      (e) =>
        e.kind === 'health.changed' &&
        e.data.healthy === false &&
        !String(e.data.detail ?? '').startsWith('stopping'),
    )
  ) {
    return 'health';
  }
  return 'step-failure';
}

/** The release a deploy step of this run promoted, and the one it replaced (null for a first release). */
export async function promotedRelease(
  scope: RunScope,
  step: PlanStep,
): Promise<{ version: string; previous: string | null } | undefined> {
  if (step.kind !== 'deploy') return undefined;
  const [done] = (
    await scope.store.listEvents(scope.runId, { stepKey: step.key, kinds: ['step.succeeded'] })
  ).slice(-1);
  if (!done || typeof done.data.version !== 'string') return undefined;
  return {
    version: done.data.version,
    previous: typeof done.data.previous === 'string' ? done.data.previous : null,
  };
}

/** Re-activates `to` in the run's environment through the local agent; records the switch. */
export async function rollBackRelease(
  scope: RunScope,
  from: string,
  to: string,
  cause: string,
): Promise<boolean> {
  const { ensureAgent } = await import('../agent/client.js');
  const { rollbackEnvironment } = await import('../rollout/rollback.js');
  const record = (kind: string, data: Record<string, unknown>) => scope.record(null, kind, data);
  await record('rollback.release', { from, to, cause, phase: 'started' });
  try {
    const h = await ensureAgent(scope.home);
    const r = await rollbackEnvironment(h, scope.environment, {
      to,
      record,
      log: (line) => scope.notice(line),
      by: `run ${scope.runId}`,
    });
    await record('rollback.release', {
      from: r.from,
      to: r.to,
      instant: r.instant,
      phase: 'finished',
      at: new Date(r.switchedAt).toISOString(),
    });
    return true;
  } catch (e) {
    await record('rollback.release', { from, to, phase: 'failed', error: (e as Error).message });
    return false;
  }
}

export function hooksWanted(plan: Plan, trigger: RollbackTrigger): boolean {
  return plan.rollback.hooks.length > 0 && plan.rollback.on.includes(trigger);
}
