// `rollgate resume [RUN_ID]`: continues an interrupted run from its first unfinished step, with the
// plan text recorded when the run started.

import type { Command } from 'commander';
import { currentUser } from '../../engine/identity.js';
import { findInterruptedRun, resumeRun } from '../../engine/run-engine.js';
import { loadPlanText } from '../../plan/load-plan.js';
import { RollgateError } from '../../shared/errors.js';
import { stepKinds, stepSchemas } from '../../steps/registry.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome, withStore } from '../context.js';
import { driveRun } from '../run-driver.js';
import { parseConcurrency } from './deploy.js';

export function registerResumeCommand(program: Command): void {
  program
    .command('resume')
    .argument('[run-id]', 'run to resume (default: the newest interrupted run)')
    .description('continue an interrupted run (its process was killed) from the first unfinished step')
    .option('--env <name>', 'with no RUN_ID: the newest interrupted run of this environment')
    .option('--secrets-file <file>', 'KEY=VALUE file with secrets (default: the one the run started with)')
    .option('--concurrency <n>', 'phases run at the same time when independent', '4')
    .addHelpText(
      'after',
      '\nSteps that succeeded are never run again; the plan is the one recorded when the run started.\n\nExample:\n  rollgate resume\n  rollgate resume run-20261121-101500-a1b2c3',
    )
    .action(
      async (
        runIdArg: string | undefined,
        opts: { env?: string; secretsFile?: string; concurrency: string },
        cmd: Command,
      ) => {
        const g = globalOptions(cmd);
        await runAction(g.json, async () =>
          withStore(async (store) => {
            const run = runIdArg ? await store.getRun(runIdArg) : await findInterruptedRun(store, opts.env);
            if (!run) {
              throw new RollgateError(
                'NOT_FOUND',
                runIdArg
                  ? `no run ${runIdArg} (list runs with \`rollgate history\`)`
                  : 'no interrupted run to resume (see `rollgate status`)',
              );
            }
            const plan = loadPlanText(run.planText, run.planPath, { stepKinds: stepSchemas });
            return driveRun(g.json, (signal, reporter) =>
              resumeRun({
                store,
                home: rollgateHome(),
                stepKinds,
                reporter,
                signal,
                user: currentUser(),
                concurrency: parseConcurrency(opts.concurrency),
                runId: run.id,
                plan,
                secretsFile: opts.secretsFile,
              }),
            );
          }),
        );
      },
    );
}
