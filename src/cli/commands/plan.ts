// `rollgate plan --env E`: the dry run. Waves of phases that can run together, every step with its
// interpolated values (secrets as ***), and the critical path. Nothing is executed or recorded.

import type { Command } from 'commander';
import { allSteps, assertReferencesDefined, parseVarFlags, resolveInputs } from '../../engine/run-inputs.js';
import { computeWaves, criticalPath } from '../../plan/graph.js';
import { collectReferences, interpolate } from '../../plan/interpolate.js';
import type { Plan, PlanStep } from '../../plan/types.js';
import { formatDuration } from '../../shared/duration.js';
import { RollgateError } from '../../shared/errors.js';
import { stepKinds } from '../../steps/registry.js';
import type { StepKind } from '../../steps/step-kind.js';
import { runAction } from '../action.js';
import { collectFlag, globalOptions, loadPlan } from '../context.js';
import { checkPlanExtras } from '../plan-checks.js';

interface PlanOptions {
  env?: string;
  version?: string;
  var: string[];
  secretsFile?: string;
}

function describeStep(step: PlanStep, ctx: ReturnType<typeof resolveInputs>): string {
  const kind = stepKinds.get(step.kind) as StepKind<unknown>;
  const shown = interpolate(step.params, ctx.interpolation, { redactSecrets: true }).value;
  const parsed = kind.schema.safeParse(shown);
  return parsed.success ? kind.describe(parsed.data) : JSON.stringify(shown);
}

/** Sequential steps of a phase: a parallel phase counts as one. */
const phaseWeight = (plan: Plan) => (name: string) => {
  const p = plan.phases.find((x) => x.name === name);
  return p ? (p.parallel ? 1 : p.steps.length) : 0;
};

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'dry run: show the execution waves, each step with its interpolated values, and the critical path',
    )
    .requiredOption('--env <name>', 'environment to plan for')
    .option('--version <version>', 'version the run would deploy')
    .option(
      '--var <key=value>',
      'set a variable (repeatable); overrides environments.<env>.vars',
      collectFlag,
      [],
    )
    .option('--secrets-file <file>', 'KEY=VALUE file with secrets (values are shown as ***)')
    .addHelpText(
      'after',
      '\nExamples:\n  rollgate plan --env staging --version 1.4.2\n  rollgate plan --env production --var region=eu --json',
    )
    .action(async (opts: PlanOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const plan = loadPlan(g.file);
        await checkPlanExtras(plan);
        if (!opts.env) throw new RollgateError('INVALID_INPUT', '--env is required');
        const resolved = resolveInputs(plan, {
          environment: opts.env,
          version: opts.version ?? '<version>',
          vars: parseVarFlags(opts.var),
          secretsFile: opts.secretsFile,
        });
        // Secrets only need a value to deploy; a dry run shows *** whether or not they are set.
        for (const r of collectReferences([allSteps(plan).map((s) => s.params), plan.notify])) {
          if (r.namespace === 'secrets') resolved.interpolation.secrets[r.name] ??= '***';
        }
        assertReferencesDefined(plan, resolved.interpolation);
        const waves = computeWaves(plan.phases);
        const critical = criticalPath(plan.phases, phaseWeight(plan));
        const env = plan.environments[opts.env];
        const phases = plan.phases.map((p) => ({
          name: p.name,
          needs: p.needs,
          parallel: p.parallel,
          steps: p.steps.map((s) => ({
            key: s.key,
            name: s.named ? s.name : null,
            kind: s.kind,
            description: resolved.redactor.text(describeStep(s, resolved)),
            ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
            retries: s.retries,
            continueOnError: s.continueOnError,
          })),
        }));
        const result = {
          app: plan.app,
          environment: opts.env,
          version: opts.version ?? null,
          approvalRequired: env?.approval?.required === true,
          waves,
          phases,
          criticalPath: { phases: critical.path, sequentialSteps: critical.total },
          rollbackHooks: plan.rollback.hooks.map((h) => ({
            key: h.key,
            description: resolved.redactor.text(describeStep(h, resolved)),
          })),
        };
        if (g.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return 0;
        }
        const out: string[] = [];
        out.push(
          `Plan for ${plan.app} ${opts.version ?? '(no --version)'} → ${opts.env}${result.approvalRequired ? ' (approval required before the first phase)' : ''}`,
        );
        waves.forEach((wave, i) => {
          out.push('');
          out.push(`wave ${i + 1}: ${wave.join(', ')}${wave.length > 1 ? '  (in parallel)' : ''}`);
          for (const name of wave) {
            const p = phases.find((x) => x.name === name);
            if (!p) continue;
            out.push(
              `  phase ${p.name}${p.needs.length ? ` (needs ${p.needs.join(', ')})` : ''}${p.parallel ? ' [steps in parallel]' : ''}`,
            );
            for (const s of p.steps) {
              const extras = [
                s.timeoutMs !== undefined ? `timeout ${formatDuration(s.timeoutMs)}` : '',
                s.retries ? `retries ${s.retries}` : '',
                s.continueOnError ? 'continueOnError' : '',
              ].filter(Boolean);
              out.push(
                `    ${s.key}  ${s.name ? `${s.name}: ` : ''}${s.description}${extras.length ? `  (${extras.join(', ')})` : ''}`,
              );
            }
          }
        });
        if (result.rollbackHooks.length) {
          out.push('');
          out.push('on rollback:');
          for (const h of result.rollbackHooks) out.push(`    ${h.key}  ${h.description}`);
        }
        out.push('');
        out.push(
          `critical path: ${critical.path.join(' -> ')} (${critical.total} sequential step${critical.total === 1 ? '' : 's'})`,
        );
        process.stdout.write(`${out.join('\n')}\n`);
        return 0;
      });
    });
}
