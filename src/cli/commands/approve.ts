// `rollgate approve RUN_ID` and `rollgate reject RUN_ID`: decide a run that waits for a person.
// Works from any process or machine that shares the store; the decision is evidence.

import type { Command } from 'commander';
import { decide } from '../../engine/approval.js';
import { currentUser } from '../../engine/identity.js';
import { runAction } from '../action.js';
import { globalOptions, withStore } from '../context.js';

function register(program: Command, approve: boolean): void {
  const verb = approve ? 'approve' : 'reject';
  program
    .command(verb)
    .argument('<run-id>', 'the run waiting for a decision (shown by rollgate status)')
    .option('--comment <text>', 'recorded with the decision')
    .description(
      approve
        ? 'let a run waiting for approval continue'
        : 'stop a run waiting for approval (it ends as rejected, exit 3)',
    )
    .addHelpText(
      'after',
      `\nExample:\n  rollgate ${verb} run-20261121-101500-a1b2c3 --comment "${approve ? 'checked the dashboard' : 'not during the sale'}"`,
    )
    .action(async (runId: string, opts: { comment?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () =>
        withStore(async (store) => {
          const user = currentUser();
          const r = await decide({ store, runId, approve, user, comment: opts.comment });
          if (g.json)
            process.stdout.write(
              `${JSON.stringify({ runId, decision: approve ? 'approved' : 'rejected', user, stepKey: r.stepKey, eventId: r.eventId })}\n`,
            );
          else
            process.stdout.write(
              `${approve ? 'approved' : 'rejected'} run ${runId}${r.stepKey ? ` at step ${r.stepKey}` : ''} as ${user}\n`,
            );
          return 0;
        }),
      );
    });
}

export function registerApproveCommands(program: Command): void {
  register(program, true);
  register(program, false);
}
