// One human line per event, shared by the plain and the live renderers.

import { formatDuration } from '../../shared/duration.js';
import type { EventRecord } from '../../store/store.js';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

export function describeEvent(e: EventRecord): string | undefined {
  const d = e.data;
  const step = e.stepKey ? `[${e.stepKey}] ` : '';
  switch (e.kind) {
    case 'run.created':
      return `run ${e.runId}: ${str(d.app)} ${str(d.version)} → ${str(d.environment)} (by ${str(d.user)})`;
    case 'run.started':
      return `run started (${str(d.owner)})`;
    case 'run.resumed':
      return `run resumed (${str(d.owner)}); ${(d.alreadySucceeded as unknown[] | undefined)?.length ?? 0} steps already done`;
    case 'lock.acquired':
      return `lock on ${str(d.environment)} acquired${d.tookOverFrom ? ` (taken over from ${str(d.tookOverFrom)})` : ''}`;
    case 'lock.released':
      return `lock on ${str(d.environment)} released`;
    case 'run.awaiting_approval':
      return `waiting for approval: ${str(d.reason)}`;
    case 'approval.requested':
      return e.stepKey ? `${step}waiting for approval: ${str(d.reason)}` : undefined;
    case 'approval.granted':
      return `${step}approved by ${str(d.user)}${d.comment ? `: ${str(d.comment)}` : ''}`;
    case 'approval.rejected':
      return `${step}rejected by ${str(d.user)}${d.comment ? `: ${str(d.comment)}` : ''}`;
    case 'phase.started':
      return `phase ${str(d.phase)} started${d.parallel ? ' (steps in parallel)' : ''}`;
    case 'phase.succeeded':
      return `phase ${str(d.phase)} succeeded in ${formatDuration(Number(d.durationMs))}`;
    case 'phase.failed':
      return `phase ${str(d.phase)} ${str(d.outcome)} after ${formatDuration(Number(d.durationMs))}`;
    case 'phase.skipped':
      return `phase ${str(d.phase)} skipped: ${str(d.reason)}`;
    case 'step.started':
      return `${step}started${Number(d.attempt) > 1 ? ` (attempt ${str(d.attempt)})` : ''}: ${str(d.description)}`;
    case 'step.succeeded':
      return `${step}succeeded in ${formatDuration(Number(d.durationMs))}${d.summary ? ` (${str(d.summary)})` : ''}`;
    case 'step.failed':
      return `${step}${d.cancelled ? 'cancelled' : 'FAILED'} after ${formatDuration(Number(d.durationMs ?? 0))}: ${str(d.error)}${d.willRetry ? ' (will retry)' : ''}`;
    case 'step.retrying':
      return `${step}retrying in ${formatDuration(Number(d.delayMs))} (attempt ${str(d.nextAttempt)})`;
    case 'step.skipped':
      return `${step}skipped: ${str(d.reason)}`;
    case 'rollback.started':
      return `rollback: running ${str(d.hooks)} hook(s) (${str(d.trigger)})`;
    case 'rollback.release':
      return d.phase === 'started'
        ? `rollback: putting ${str(d.to)} back in place of ${str(d.from)}`
        : d.phase === 'finished'
          ? `rollback: all traffic on ${str(d.to)}${d.instant ? ' (instant)' : ''}`
          : `rollback of the release FAILED: ${str(d.error)}`;
    case 'rollback.skipped':
      return `rollback hooks not run: ${str(d.reason)}`;
    case 'rollback.finished':
      return `rollback hooks finished (${str(d.failed)} failed)`;
    case 'notification.sent':
      return `notification ${str(d.event)}: ${d.ok ? 'delivered' : `FAILED (${str(d.error)})`}`;
    case 'process.started':
      return undefined;
    case 'rollout.weight': {
      const w = (d.weights ?? {}) as Record<string, number>;
      return `${step}traffic: ${Object.entries(w)
        .map(([v, p]) => `${v} ${p}%`)
        .join(', ')}`;
    }
    case 'rollout.started':
      return `${step}rollout of ${str(d.version)} (${str(d.strategy)}${d.stable ? `, stable ${str(d.stable)}` : ''})`;
    case 'rollout.promoted':
      return `${step}promoted ${str(d.version)}${d.previous ? ` (previous ${str(d.previous)} retained)` : ''}`;
    case 'rollout.aborted':
      return `${step}ROLLOUT ABORTED: ${str(d.reason)}`;
    case 'health.changed':
      return `${step}${str(d.instance)} ${d.healthy ? 'healthy' : 'UNHEALTHY'}: ${str(d.detail)}`;
    case 'analysis.verdict':
      // the rollout echoes the analyzer's verdict (with a label, without metrics): show it once
      if (d.label !== undefined && !Array.isArray(d.metrics)) return undefined;
      return `${step}gate ${str(d.gate)}: ${String(d.verdict).toUpperCase()}${d.reason ? ` — ${str(d.reason)}` : ''}`;
    case 'run.succeeded':
      return 'run SUCCEEDED';
    case 'run.failed':
      return `run FAILED: ${str(d.reason)}`;
    case 'run.rolled_back':
      return `run ROLLED BACK: ${str(d.reason)}`;
    case 'run.cancelled':
      return `run CANCELLED: ${str(d.reason)}`;
    case 'run.rejected':
      return `run REJECTED: ${str(d.reason)}`;
    default: {
      const summary = Object.entries(d)
        .filter(([, v]) => typeof v !== 'object' || v === null)
        .slice(0, 6)
        .map(([k, v]) => `${k}=${str(v)}`)
        .join(' ');
      return `${step}${e.kind} ${summary}`;
    }
  }
}
