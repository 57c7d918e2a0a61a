// `rollgate abort --env E`: all traffic back to the stable release at once; the new release is
// drained and stopped. A deploy in progress notices and ends as cancelled (exit 3).

import type { Command } from 'commander';
import { ensureAgent, getEnvironmentStatusFull, sendCommand } from '../../agent/client.js';
import { abortEnvironment } from '../../rollout/abort.js';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';

export function registerAbortCommand(program: Command): void {
  program
    .command('abort')
    .description('move all traffic back to the stable release now and stop the new one')
    .requiredOption('--env <name>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const h = await ensureAgent(rollgateHome());
        const s = await getEnvironmentStatusFull(h, opts.env);
        const pending = s.releases.some((r) => ['starting', 'canary', 'preview'].includes(r.state));
        if (s.rollout === null && !pending) {
          throw new RollgateError('NOT_FOUND', `nothing to abort in ${opts.env}: no rollout is in progress`);
        }
        // mark the rollout aborted first so the deploy process cannot move traffic again
        await sendCommand(h, opts.env, 'abort', process.env.USER ?? 'operator');
        const r = await abortEnvironment(h, opts.env);
        const text = r.stable
          ? `aborted: all traffic on ${r.stable}${r.stopped.length ? `; stopping ${r.stopped.join(', ')}` : ''}`
          : `aborted: no stable release; stopping ${r.stopped.join(', ') || 'nothing'}`;
        process.stdout.write(g.json ? `${JSON.stringify({ aborted: true, ...r })}\n` : `${text}\n`);
        return 0;
      });
    });
}
