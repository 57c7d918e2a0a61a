// `rollgate deploy --env E --version V`: carries the plan out, recording every step as evidence.

import type { Command } from 'commander';
import { currentUser } from '../../engine/identity.js';
import { startRun } from '../../engine/run-engine.js';
import { parseVarFlags } from '../../engine/run-inputs.js';
import { parseDuration } from '../../shared/duration.js';
import { RollgateError } from '../../shared/errors.js';
import { stepKinds } from '../../steps/registry.js';
import { runAction } from '../action.js';
import { collectFlag, globalOptions, loadPlan, rollgateHome, withStore } from '../context.js';
import { checkPlanExtras } from '../plan-checks.js';
import { driveRun } from '../run-driver.js';

interface DeployOptions {
  env: string;
  version: string;
  var: string[];
  secretsFile?: string;
  waitLock?: string;
  concurrency: string;
}

export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new RollgateError('INVALID_INPUT', `--concurrency ${text}: expected a whole number of at least 1`);
  return n;
}

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('run the plan for an environment and version; one deploy per environment at a time')
    .requiredOption('--env <name>', 'environment to deploy to')
    .requiredOption('--version <version>', 'version being deployed (available as ${{ version }})')
    .option(
      '--var <key=value>',
      'set a variable (repeatable); overrides environments.<env>.vars',
      collectFlag,
      [],
    )
    .option('--secrets-file <file>', 'KEY=VALUE file with secrets (else read from environment variables)')
    .option('--wait-lock <duration>', 'wait this long for a locked environment instead of exiting 4')
    .option('--concurrency <n>', 'phases run at the same time when independent', '4')
    .addHelpText(
      'after',
      `
Exit codes: 0 succeeded, 1 failed or rolled back, 2 invalid input, 3 cancelled or rejected, 4 locked.
Ctrl-C cancels: running steps are stopped, the run is recorded as cancelled, the lock released.
A run killed by kill -9 is shown as interrupted by \`rollgate status\`; continue it with \`rollgate resume\`.

Examples:
  rollgate deploy --env staging --version 1.4.2
  rollgate deploy --env production --version 1.4.2 --secrets-file .secrets --wait-lock 5m`,
    )
    .action(async (opts: DeployOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const plan = loadPlan(g.file);
        await checkPlanExtras(plan);
        const waitLockMs = opts.waitLock === undefined ? 0 : parseDuration(opts.waitLock);
        if (waitLockMs === undefined)
          throw new RollgateError(
            'INVALID_INPUT',
            `--wait-lock ${opts.waitLock}: expected a duration such as 30s or 5m`,
          );
        const concurrency = parseConcurrency(opts.concurrency);
        const vars = parseVarFlags(opts.var);
        return withStore((store) =>
          driveRun(g.json, (signal, reporter) =>
            startRun({
              store,
              home: rollgateHome(),
              stepKinds,
              reporter,
              signal,
              user: currentUser(),
              concurrency,
              waitLockMs,
              plan,
              environment: opts.env,
              version: opts.version,
              vars,
              secretsFile: opts.secretsFile,
            }),
          ),
        );
      });
    });
}
