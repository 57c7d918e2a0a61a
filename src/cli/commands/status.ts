// `rollgate status [--env E]`: for each environment, the newest run (running, waiting, interrupted
// or finished), who holds the lock, why a failed run failed, and the releases the agent serves.

import type { Command } from 'commander';
import { explainRun, viewRun } from '../../engine/run-views.js';
import { formatDuration } from '../../shared/duration.js';
import type { Store } from '../../store/store.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome, withStore } from '../context.js';
import { fetchReleases } from '../releases.js';

async function environmentStatus(store: Store, environment: string) {
  const [latest] = await store.listRuns({ environment, limit: 1 });
  const lock = await store.getLock(environment);
  const run = latest ? viewRun(latest) : null;
  const explanation =
    latest && ['failed', 'rolled_back', 'awaiting_approval', 'interrupted'].includes(run?.state ?? '')
      ? await explainRun(store, latest.id)
      : [];
  const releases = await fetchReleases(rollgateHome(), environment);
  return {
    environment,
    run,
    why: explanation.slice(-3),
    lock:
      lock && lock.expiresAt > Date.now()
        ? {
            ...lock,
            acquiredAt: new Date(lock.acquiredAt).toISOString(),
            expiresAt: new Date(lock.expiresAt).toISOString(),
          }
        : null,
    ...(releases ? { releases } : {}),
  };
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the newest run of each environment, its lock, why it failed, and live releases')
    .option('--env <name>', 'only this environment')
    .addHelpText(
      'after',
      '\nA run whose process died shows as "interrupted": continue it with `rollgate resume`.\n\nExample:\n  rollgate status --env production --json',
    )
    .action(async (opts: { env?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () =>
        withStore(async (store) => {
          const envs = opts.env
            ? [opts.env]
            : [...new Set((await store.listRuns({ limit: 200 })).map((r) => r.environment))].sort();
          const statuses = await Promise.all(envs.map((e) => environmentStatus(store, e)));
          if (g.json) {
            process.stdout.write(`${JSON.stringify(opts.env ? statuses[0] : { environments: statuses })}\n`);
            return 0;
          }
          if (statuses.length === 0)
            process.stdout.write('no runs yet: start one with `rollgate deploy --env ENV --version V`\n');
          for (const s of statuses) {
            process.stdout.write(`${s.environment}\n`);
            if (s.run) {
              const r = s.run;
              process.stdout.write(
                `  run ${r.id}: ${r.version} ${r.state}${r.durationMs !== null ? ` (${formatDuration(r.durationMs)})` : ''} by ${r.user}${r.reason ? `\n    reason: ${r.reason}` : ''}\n`,
              );
              if (r.state === 'interrupted')
                process.stdout.write(`    continue it with: rollgate resume ${r.id}\n`);
              if (r.state === 'awaiting_approval')
                process.stdout.write(
                  `    decide with: rollgate approve ${r.id}  |  rollgate reject ${r.id}\n`,
                );
            } else process.stdout.write('  no runs\n');
            for (const w of s.why)
              process.stdout.write(`    ${w.time.slice(11, 19)} ${w.summary} (event ${w.eventId})\n`);
            if (s.lock)
              process.stdout.write(
                `  locked by run ${s.lock.runId} (${s.lock.user}, ${s.lock.owner}) since ${s.lock.acquiredAt}\n`,
              );
            for (const rel of s.releases ?? []) {
              process.stdout.write(
                `  release ${rel.version}: ${rel.state}, weight ${rel.weight}%, ${rel.instances.filter((i) => i.healthy).length}/${rel.instances.length} healthy\n`,
              );
            }
          }
          return 0;
        }),
      );
    });
}
