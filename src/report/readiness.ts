// The readiness matrix: one row per phase and per gate evaluation, with its state and how many
// recorded events stand behind it. A phase the plan lists but no event mentions is "not run".

import type { EventRecord } from '../store/store.js';
import { cite, str } from './evidence.js';
import type { GateEvaluation } from './gates.js';
import type { ReadinessRow, ReadinessState } from './report-model.js';

const phaseStates: Record<string, ReadinessState> = {
  'phase.started': 'running',
  'phase.succeeded': 'passed',
  'phase.failed': 'failed',
  'phase.skipped': 'skipped',
};

const gateStates: Record<string, ReadinessState> = {
  pass: 'passed',
  fail: 'failed',
  inconclusive: 'inconclusive',
};

export function buildReadiness(
  events: readonly EventRecord[],
  planPhases: readonly string[],
  gates: readonly GateEvaluation[],
): ReadinessRow[] {
  const names = [...planPhases];
  for (const e of events) {
    const phase = e.kind.startsWith('phase.') ? str(e.data.phase) : null;
    if (phase !== null && !names.includes(phase)) names.push(phase);
  }
  const rows: ReadinessRow[] = names.map((name) => {
    const own = events.filter(
      (e) =>
        (e.kind.startsWith('phase.') && e.data.phase === name) || e.stepKey?.startsWith(`${name}/`) === true,
    );
    const last = [...own].reverse().find((e) => e.kind in phaseStates && e.data.phase === name);
    return {
      kind: 'phase',
      name,
      state: last
        ? cite(phaseStates[last.kind] as ReadinessState, last)
        : cite<ReadinessState>('not run', []),
      evidence: own.length
        ? cite(
            own.length,
            own.map((e) => e.id),
          )
        : null,
    };
  });
  for (const g of gates) {
    const verdict = g.view.verdict;
    rows.push({
      kind: 'gate',
      name: `gate ${g.view.gate}${g.view.label ? ` (${g.view.label})` : ''}`,
      state: verdict
        ? cite(gateStates[verdict.value] ?? 'inconclusive', verdict.eventIds)
        : cite<ReadinessState>('running', g.eventIds.slice(0, 1)),
      evidence: cite(g.eventIds.length, g.eventIds),
    });
  }
  return rows;
}
