// `rollgate promote --env E`: resumes a paused rollout (canary `pause: {}`, inconclusive analysis,
// blue-green with autoPromote: false). With no deploy process attached, promotes directly.

import type { Command } from 'commander';
import { ensureAgent, getEnvironmentStatusFull, sendCommand } from '../../agent/client.js';
import { pidAlive } from '../../agent/instance.js';
import { promoteRelease } from '../../rollout/promotion.js';
import { RolloutSession } from '../../rollout/rollout-session.js';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';

export function registerPromoteCommand(program: Command): void {
  program
    .command('promote')
    .description('continue a paused rollout (or promote its new release when no deploy is attached)')
    .requiredOption('--env <name>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const h = await ensureAgent(rollgateHome());
        const s = await getEnvironmentStatusFull(h, opts.env);
        const by = process.env.USER ?? 'operator';
        if (s.rollout !== null && !s.rollout.aborted && pidAlive(s.rollout.ownerPid)) {
          await sendCommand(h, opts.env, 'promote', by);
          const text = `promote sent to the ${s.rollout.strategy} rollout of ${s.rollout.version} (pid ${s.rollout.ownerPid})`;
          process.stdout.write(
            g.json ? `${JSON.stringify({ promoted: s.rollout.version, attached: true })}\n` : `${text}\n`,
          );
          return 0;
        }
        const fresh = s.releases.find((r) => r.state === 'canary' || r.state === 'preview');
        if (fresh === undefined) {
          throw new RollgateError(
            'NOT_FOUND',
            `nothing to promote in ${opts.env}: no rollout is paused and no canary or preview release runs`,
          );
        }
        const session = new RolloutSession({
          handle: h,
          environment: opts.env,
          version: fresh.version,
          rolloutId: undefined,
          signal: new AbortController().signal,
          record: async () => 0,
          log: () => undefined,
          eventSeq: s.lastEventSeq,
          commandSeq: s.lastCommandSeq,
        });
        const r = await promoteRelease(session, fresh.version, { oldStopAfterMs: 30_000, retain: 3 });
        process.stdout.write(
          g.json
            ? `${JSON.stringify({ promoted: r.to, previous: r.from, attached: false })}\n`
            : `promoted ${r.to}${r.from ? ` (previous ${r.from} retained)` : ''}\n`,
        );
        return 0;
      });
    });
}
