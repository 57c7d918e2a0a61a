// Sends the plan's `notify:` webhooks on run transitions. Deliveries run in the background, each is
// recorded as a notification.sent event, and a failed one never fails the run.

import { interpolate } from '../plan/interpolate.js';
import type { Plan } from '../plan/types.js';
import { createWebhookNotifier } from '../providers/notifiers/webhook-notifier.js';
import type { EventRecord, RunRecord } from '../store/store.js';
import { EventKind } from './event-kinds.js';
import type { ResolvedInputs } from './run-inputs.js';
import type { RunScope } from './run-scope.js';

/** Which notify event an engine event stands for, if any. */
export function notifyEventOf(e: EventRecord): string | undefined {
  switch (e.kind) {
    case EventKind.runStarted:
      return 'run.started';
    case EventKind.runAwaitingApproval:
      return 'run.awaiting_approval';
    case EventKind.runSucceeded:
      return 'run.succeeded';
    case EventKind.runFailed:
      return 'run.failed';
    case EventKind.runRolledBack:
    case 'rollout.aborted':
      return 'rollout.rolled_back';
    case 'rollout.promoted':
      return 'rollout.promoted';
    case 'analysis.verdict':
      return e.data.verdict === 'fail' ? 'analysis.failed' : undefined;
    default:
      return undefined;
  }
}

function textFor(event: string, run: RunRecord, e: EventRecord): string {
  const what = `${run.app} ${run.version} → ${run.environment} (${run.id})`;
  const reason = typeof e.data.reason === 'string' ? `: ${e.data.reason}` : '';
  switch (event) {
    case 'run.started':
      return `Deploy started: ${what}`;
    case 'run.awaiting_approval':
      return `Waiting for approval: ${what} — rollgate approve ${run.id}`;
    case 'run.succeeded':
      return `Deploy succeeded: ${what}`;
    case 'run.failed':
      return `Deploy failed: ${what}${reason}`;
    case 'rollout.rolled_back':
      return `Rolled back: ${what}${reason}`;
    case 'rollout.promoted':
      return `Promoted: ${what}`;
    case 'analysis.failed':
      return `Analysis failed: ${what}${reason}`;
    default:
      return `${event}: ${what}`;
  }
}

/**
 * One notification per transition. The engine's events describe some transitions twice: the
 * rollout records an analysis.started/verdict pair around the analyzer's own pair (one analysis,
 * grouped like src/report/gates.ts does: a verdict closes the analysis of its step and gate, the
 * next analysis.started opens a new one), and a rolled-back deploy ends the run as run.rolled_back
 * after the rollout already recorded rollout.aborted.
 */
function createDeduplicator() {
  const analyses = new Map<string, { decided: boolean; notified: boolean }>();
  let rolledBackNotified = false;
  return (e: EventRecord, event: string | undefined): string | undefined => {
    if (e.kind === 'analysis.started' || e.kind === 'analysis.verdict') {
      const key = `${e.stepKey ?? ''}\u0000${String(e.data.gate ?? '')}`;
      let cur = analyses.get(key);
      if (e.kind === 'analysis.started') {
        if (cur === undefined || cur.decided) analyses.set(key, { decided: false, notified: false });
        return undefined;
      }
      cur ??= { decided: false, notified: false };
      analyses.set(key, cur);
      cur.decided = true;
      if (event === undefined || cur.notified) return undefined;
      cur.notified = true;
      return event;
    }
    if (event === 'rollout.rolled_back') {
      if (e.kind === EventKind.runRolledBack && rolledBackNotified) return undefined;
      rolledBackNotified = true;
    }
    return event;
  };
}

export function createRunNotifier(plan: Plan, resolved: ResolvedInputs, run: RunRecord) {
  const targets = plan.notify.map((n) => ({
    url: interpolate(n.webhook, resolved.interpolation, { redactSecrets: false }).value,
    on: n.on,
  }));
  const pending = new Set<Promise<void>>();
  let scope: RunScope | undefined;
  const dedupe = createDeduplicator();
  return {
    bind(s: RunScope) {
      scope = s;
    },
    onEvent(e: EventRecord) {
      if (targets.length === 0) return;
      const event = dedupe(e, notifyEventOf(e));
      if (!event) return;
      targets.forEach((t, index) => {
        if (t.on && !t.on.includes(event)) return;
        const p = createWebhookNotifier({ url: t.url })
          .send({
            event,
            text: textFor(event, run, e),
            data: {
              runId: run.id,
              app: run.app,
              version: run.version,
              environment: run.environment,
              eventId: e.id,
            },
          })
          .then(async (r) => {
            await scope?.record(
              null,
              EventKind.notificationSent,
              { event, target: index, causeEventId: e.id, ...r },
              'notifier',
            );
          })
          .catch(() => undefined)
          .finally(() => pending.delete(p));
        pending.add(p);
      });
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
