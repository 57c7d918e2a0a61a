// DORA figures over a window of runs: deployment frequency, lead time for changes, change-failure
// rate and time to restore. Pure: the caller supplies the runs, the window, each run's commit time
// and the measured restore of rolled-back runs. A figure without data is null with a reason, never 0.

import type { RunRecord } from '../store/store.js';

export interface CommitTime {
  time: number;
  /** Where it came from: the --commit-time flag, git (version is a git ref), or recorded with the run. */
  source: 'flag' | 'git' | 'recorded';
}

export interface MeasuredRestore {
  ms: number;
  eventIds: number[];
}

export interface DoraInput {
  /** Runs of the environment(s) considered, any order; may include runs outside the window. */
  runs: readonly RunRecord[];
  from: number;
  to: number;
  commitTimeOf(run: RunRecord): CommitTime | undefined;
  /** Rolled-back runs whose report measured the time from failure to traffic back on stable. */
  restoreOf(run: RunRecord): MeasuredRestore | undefined;
}

export interface DoraFigure<T> {
  value: T | null;
  /** Why value is null. */
  reason?: string;
  runIds: string[];
}

export interface DoraReport {
  window: { from: string; to: string; days: number };
  deploymentFrequency: DoraFigure<{ perDay: number; perWeek: number; deployments: number }>;
  leadTime: DoraFigure<{ medianMs: number; deployments: number; sources: Record<string, number> }>;
  changeFailureRate: DoraFigure<{ rate: number; failed: number; deployments: number }> & {
    failedRunIds: string[];
  };
  timeToRestore: DoraFigure<{ medianMs: number; incidents: number }> & {
    incidents: Array<{ runId: string; ms: number | null; restoredBy: string | null; eventIds: number[] }>;
  };
}

const deployOutcomes = new Set(['succeeded', 'failed', 'rolled_back']);
const failedOutcomes = new Set(['failed', 'rolled_back']);

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function computeDora(input: DoraInput): DoraReport {
  const days = Math.max(1 / 24, (input.to - input.from) / 86_400_000);
  const inWindow = input.runs
    .filter((r) => r.finishedAt !== null && r.finishedAt >= input.from && r.finishedAt <= input.to)
    .sort((a, b) => (a.finishedAt as number) - (b.finishedAt as number));
  const deployed = inWindow.filter((r) => deployOutcomes.has(r.status));
  const succeeded = deployed.filter((r) => r.status === 'succeeded');
  const failed = deployed.filter((r) => failedOutcomes.has(r.status));

  const deploymentFrequency: DoraReport['deploymentFrequency'] = succeeded.length
    ? {
        value: {
          perDay: round(succeeded.length / days),
          perWeek: round((succeeded.length / days) * 7),
          deployments: succeeded.length,
        },
        runIds: succeeded.map((r) => r.id),
      }
    : { value: null, reason: 'no successful deployment in the window', runIds: [] };

  const leads: Array<{ run: RunRecord; ms: number; source: string }> = [];
  for (const r of succeeded) {
    const c = input.commitTimeOf(r);
    if (c !== undefined)
      leads.push({ run: r, ms: Math.max(0, (r.finishedAt as number) - c.time), source: c.source });
  }
  const sources: Record<string, number> = {};
  for (const l of leads) sources[l.source] = (sources[l.source] ?? 0) + 1;
  const leadTime: DoraReport['leadTime'] = leads.length
    ? {
        value: { medianMs: Math.round(median(leads.map((l) => l.ms))), deployments: leads.length, sources },
        runIds: leads.map((l) => l.run.id),
      }
    : {
        value: null,
        reason: succeeded.length
          ? 'no commit time: pass --commit-time, deploy git refs as versions, or record commitTime with the run'
          : 'no successful deployment in the window',
        runIds: [],
      };

  const changeFailureRate: DoraReport['changeFailureRate'] = deployed.length
    ? {
        value: {
          rate: round(failed.length / deployed.length),
          failed: failed.length,
          deployments: deployed.length,
        },
        runIds: deployed.map((r) => r.id),
        failedRunIds: failed.map((r) => r.id),
      }
    : { value: null, reason: 'no deployment finished in the window', runIds: [], failedRunIds: [] };

  const incidents = failed.map((r) => {
    const measured = r.status === 'rolled_back' ? input.restoreOf(r) : undefined;
    if (measured)
      return { runId: r.id, ms: measured.ms, restoredBy: 'automatic rollback', eventIds: measured.eventIds };
    const next = input.runs
      .filter(
        (n) =>
          n.environment === r.environment &&
          n.status === 'succeeded' &&
          n.finishedAt !== null &&
          n.finishedAt > (r.finishedAt as number),
      )
      .sort((a, b) => (a.finishedAt as number) - (b.finishedAt as number))[0];
    return next
      ? {
          runId: r.id,
          ms: (next.finishedAt as number) - (r.finishedAt as number),
          restoredBy: next.id,
          eventIds: [],
        }
      : { runId: r.id, ms: null, restoredBy: null, eventIds: [] };
  });
  const restored = incidents.filter((i) => i.ms !== null) as Array<{ runId: string; ms: number }>;
  const timeToRestore: DoraReport['timeToRestore'] = restored.length
    ? {
        value: { medianMs: Math.round(median(restored.map((i) => i.ms))), incidents: restored.length },
        runIds: restored.map((i) => i.runId),
        incidents,
      }
    : {
        value: null,
        reason: failed.length
          ? 'no failed deployment has been restored yet (no rollback measured, no later successful deploy)'
          : 'no failed deployment in the window',
        runIds: [],
        incidents,
      };

  return {
    window: {
      from: new Date(input.from).toISOString(),
      to: new Date(input.to).toISOString(),
      days: round(days),
    },
    deploymentFrequency,
    leadTime,
    changeFailureRate,
    timeToRestore,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
