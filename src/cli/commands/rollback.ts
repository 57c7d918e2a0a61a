// `rollgate rollback --env E [--to VERSION]`: re-activates the previous (or named) retained
// release with health gating, without re-running the plan's other steps.

import type { Command } from 'commander';
import { ensureAgent } from '../../agent/client.js';
import { rollbackEnvironment } from '../../rollout/rollback.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';

export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('switch traffic back to the previous (or a named) retained release')
    .requiredOption('--env <name>', 'environment')
    .option('--to <version>', 'a retained release (default: the previous one)')
    .action(async (opts: { env: string; to?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const h = await ensureAgent(rollgateHome());
        const r = await rollbackEnvironment(h, opts.env, {
          ...(opts.to !== undefined && { to: opts.to }),
          by: process.env.USER ?? 'operator',
          log: (line) => {
            if (!g.json) process.stderr.write(`${line}\n`);
          },
        });
        process.stdout.write(
          g.json
            ? `${JSON.stringify({ rolledBack: true, from: r.from, to: r.to, instant: r.instant, at: new Date(r.switchedAt).toISOString() })}\n`
            : `rolled back ${opts.env}: ${r.from ?? 'none'} → ${r.to}${r.instant ? ' (instant)' : ''}\n`,
        );
        return 0;
      });
    });
}
