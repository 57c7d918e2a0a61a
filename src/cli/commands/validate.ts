// `rollgate validate`: schema, graph and reference checks of the plan. Exit 0 or 2.

import type { Command } from 'commander';
import { runAction } from '../action.js';
import { globalOptions, loadPlan } from '../context.js';
import { checkPlanExtras } from '../plan-checks.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the plan: schema, phase graph, gates, ${{ }} expressions, migrations before rollouts')
    .addHelpText(
      'after',
      '\nProblems print as FILE:LINE:COL: message, all at once. Exit 0 when valid, 2 otherwise.\n\nExample:\n  rollgate validate -f deploy/rollgate.yaml',
    )
    .action(async (_opts, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const plan = loadPlan(g.file);
        await checkPlanExtras(plan);
        const steps = plan.phases.reduce((n, p) => n + p.steps.length, 0);
        const summary = {
          valid: true,
          file: g.file,
          app: plan.app,
          environments: Object.keys(plan.environments),
          phases: plan.phases.length,
          steps,
        };
        if (g.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else
          process.stdout.write(
            `${g.file} is valid: app ${plan.app}, ${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'}, ${steps} step${steps === 1 ? '' : 's'}, environments ${summary.environments.join(', ')}\n`,
          );
        return 0;
      });
    });
}
