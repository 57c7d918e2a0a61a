// `rollgate history [--env E] [--since 30d] [--commit-time ISO]`: past runs, newest first, then the
// DORA figures of the window (deployment frequency, lead time, change-failure rate, time to
// restore). Commit times come from --commit-time, else git (when the version is a git ref), else the
// run's recorded commitTime; restore times of rolled-back runs from their events.

import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { viewRun } from '../../engine/run-views.js';
import { type CommitTime, computeDora, type DoraReport, type MeasuredRestore } from '../../report/dora.js';
import { buildRollback } from '../../report/traffic.js';
import { formatDuration, parseDuration } from '../../shared/duration.js';
import { RollgateError } from '../../shared/errors.js';
import type { RunRecord, Store } from '../../store/store.js';
import { runAction } from '../action.js';
import { globalOptions, withStore } from '../context.js';

interface HistoryOptions {
  env?: string;
  limit: string;
  since: string;
  commitTime?: string;
}

/** `git log -1 --format=%cI <version>` when the version names a commit in the current repository. */
function gitCommitTime(version: string): number | undefined {
  if (!/^[\w./-]+$/.test(version) || version.startsWith('-')) return undefined;
  try {
    const out = execFileSync('git', ['log', '-1', '--format=%cI', `${version}^{commit}`, '--'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
      encoding: 'utf8',
    }).trim();
    const t = Date.parse(out);
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

function recordedCommitTime(run: RunRecord): number | undefined {
  const vars = run.inputs.vars as Record<string, unknown> | undefined;
  const v = run.inputs.commitTime ?? vars?.commitTime ?? vars?.COMMIT_TIME;
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
}

async function doraOf(store: Store, o: HistoryOptions, now: number): Promise<DoraReport> {
  const windowMs = parseDuration(o.since);
  if (windowMs === undefined || windowMs <= 0) {
    throw new RollgateError(
      'INVALID_INPUT',
      `--since ${o.since}: expected a duration such as 7d, 30d or 12h`,
    );
  }
  let flagTime: number | undefined;
  if (o.commitTime !== undefined) {
    flagTime = Date.parse(o.commitTime);
    if (!Number.isFinite(flagTime)) {
      throw new RollgateError(
        'INVALID_INPUT',
        `--commit-time ${o.commitTime}: expected an ISO time such as 2025-03-14T09:00:00Z`,
      );
    }
  }
  const runs = await store.listRuns({ environment: o.env, limit: 100_000 });
  const restores = new Map<string, MeasuredRestore>();
  for (const r of runs) {
    if (r.status !== 'rolled_back' || r.finishedAt === null || r.finishedAt < now - windowMs) continue;
    const rb = buildRollback(await store.listEvents(r.id));
    if (rb?.timeToRestoreMs)
      restores.set(r.id, { ms: rb.timeToRestoreMs.value, eventIds: rb.timeToRestoreMs.eventIds });
  }
  const gitCache = new Map<string, number | undefined>();
  const commitTimeOf = (r: RunRecord): CommitTime | undefined => {
    if (flagTime !== undefined) return { time: flagTime, source: 'flag' };
    if (!gitCache.has(r.version)) gitCache.set(r.version, gitCommitTime(r.version));
    const git = gitCache.get(r.version);
    if (git !== undefined) return { time: git, source: 'git' };
    const recorded = recordedCommitTime(r);
    return recorded === undefined ? undefined : { time: recorded, source: 'recorded' };
  };
  return computeDora({
    runs,
    from: now - windowMs,
    to: now,
    commitTimeOf,
    restoreOf: (r) => restores.get(r.id),
  });
}

function doraLines(d: DoraReport, o: HistoryOptions): string[] {
  const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;
  const f = d.deploymentFrequency.value;
  const l = d.leadTime.value;
  const c = d.changeFailureRate.value;
  const t = d.timeToRestore.value;
  return [
    `DORA over the last ${o.since}${o.env ? ` in ${o.env}` : ''} (${d.window.from.slice(0, 10)} to ${d.window.to.slice(0, 10)}):`,
    `  deployment frequency  ${f ? `${f.perDay}/day, ${f.perWeek}/week (${f.deployments} successful deploy${f.deployments === 1 ? '' : 's'})` : `no data: ${d.deploymentFrequency.reason}`}`,
    `  lead time             ${
      l
        ? `median ${formatDuration(l.medianMs)} over ${l.deployments} deploy${l.deployments === 1 ? '' : 's'} (commit time from ${Object.entries(
            l.sources,
          )
            .map(([s, n]) => `${s === 'flag' ? '--commit-time' : s} ${n}`)
            .join(', ')})`
        : `no data: ${d.leadTime.reason}`
    }`,
    `  change-failure rate   ${c ? `${pct(c.rate)} (${c.failed} of ${c.deployments} deploys failed or rolled back)` : `no data: ${d.changeFailureRate.reason}`}`,
    `  time to restore       ${t ? `median ${formatDuration(t.medianMs)} over ${t.incidents} failure${t.incidents === 1 ? '' : 's'}` : `no data: ${d.timeToRestore.reason}`}`,
  ];
}

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('list past runs, newest first, with DORA figures over a window')
    .option('--env <name>', 'only this environment')
    .option('--limit <n>', 'how many runs', '20')
    .option('--since <duration>', 'window of the DORA figures, e.g. 7d or 30d', '30d')
    .option(
      '--commit-time <iso>',
      'commit time of the deployed changes, for lead time (default: git, when versions are git refs)',
    )
    .addHelpText('after', '\nExample:\n  rollgate history --env production --since 7d --json')
    .action(async (opts: HistoryOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () =>
        withStore(async (store) => {
          const now = Date.now();
          const runs = (await store.listRuns({ environment: opts.env, limit: Number(opts.limit) || 20 })).map(
            (r) => viewRun(r, now),
          );
          const dora = await doraOf(store, opts, now);
          if (g.json) {
            process.stdout.write(`${JSON.stringify({ runs, dora })}\n`);
            return 0;
          }
          if (runs.length === 0) {
            process.stdout.write(`no runs yet${opts.env ? ` in ${opts.env}` : ''}\n`);
            return 0;
          }
          for (const r of runs) {
            const d = r.durationMs === null ? '' : formatDuration(r.durationMs);
            process.stdout.write(
              `${r.createdAt.slice(0, 19).replace('T', ' ')}  ${r.id}  ${r.environment.padEnd(12)} ${r.version.padEnd(10)} ${r.state.padEnd(17)} ${d.padEnd(8)} ${r.user}${r.reason ? `  — ${r.reason}` : ''}\n`,
            );
          }
          process.stdout.write(`\n${doraLines(dora, opts).join('\n')}\n`);
          return 0;
        }),
      );
    });
}
