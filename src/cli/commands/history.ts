// `rollgate history [--env E]`: past runs, newest first.

import type { Command } from 'commander';
import { viewRun } from '../../engine/run-views.js';
import { formatDuration } from '../../shared/duration.js';
import { runAction } from '../action.js';
import { globalOptions, withStore } from '../context.js';

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('list past runs, newest first')
    .option('--env <name>', 'only this environment')
    .option('--limit <n>', 'how many runs', '20')
    .addHelpText('after', '\nExample:\n  rollgate history --env production --json')
    .action(async (opts: { env?: string; limit: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () =>
        withStore(async (store) => {
          const runs = (await store.listRuns({ environment: opts.env, limit: Number(opts.limit) || 20 })).map(
            (r) => viewRun(r),
          );
          if (g.json) {
            process.stdout.write(`${JSON.stringify({ runs })}\n`);
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
          return 0;
        }),
      );
    });
}
