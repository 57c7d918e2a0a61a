// Runs the phase DAG: a phase starts when every phase it needs has succeeded, up to `concurrency`
// phases at once; a phase whose need failed (or was skipped) is skipped; nothing new starts after a
// cancel.

import type { PlanPhase } from '../plan/types.js';

export type PhaseOutcome = 'succeeded' | 'failed' | 'cancelled';
export type PhaseState = PhaseOutcome | 'skipped';

export interface ScheduleOptions {
  phases: readonly PlanPhase[];
  concurrency: number;
  signal: AbortSignal;
  /** Phases already complete (resume). */
  done?: ReadonlySet<string>;
  runPhase(phase: PlanPhase): Promise<PhaseOutcome>;
  skipPhase(phase: PlanPhase, reason: string): Promise<void>;
}

export async function schedulePhases(o: ScheduleOptions): Promise<Map<string, PhaseState>> {
  const state = new Map<string, PhaseState>();
  for (const name of o.done ?? []) state.set(name, 'succeeded');
  const pending = o.phases.filter((p) => !state.has(p.name));
  const running = new Map<string, Promise<void>>();
  for (;;) {
    let progressed = false;
    for (const p of [...pending]) {
      const blocked = p.needs.find((n) => {
        const s = state.get(n);
        return s === 'failed' || s === 'skipped' || s === 'cancelled';
      });
      if (blocked !== undefined) {
        pending.splice(pending.indexOf(p), 1);
        state.set(p.name, 'skipped');
        await o.skipPhase(
          p,
          `needs "${blocked}", which ${state.get(blocked) === 'skipped' ? 'was skipped' : state.get(blocked)}`,
        );
        progressed = true;
        continue;
      }
      if (o.signal.aborted || running.size >= o.concurrency) continue;
      if (p.needs.every((n) => state.get(n) === 'succeeded')) {
        pending.splice(pending.indexOf(p), 1);
        running.set(
          p.name,
          o.runPhase(p).then(
            (r) => {
              state.set(p.name, r);
              running.delete(p.name);
            },
            () => {
              state.set(p.name, 'failed');
              running.delete(p.name);
            },
          ),
        );
        progressed = true;
      }
    }
    if (running.size === 0) {
      if (!progressed) break;
      continue;
    }
    await Promise.race(running.values());
  }
  for (const p of pending) {
    state.set(p.name, 'skipped');
    await o.skipPhase(p, o.signal.aborted ? 'the run was cancelled' : 'not reached');
  }
  return state;
}
