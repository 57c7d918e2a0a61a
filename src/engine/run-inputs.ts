// Resolves what a run needs before it starts: the environment, vars (plan's then --var), secrets
// (file, then environment), and checks that every ${{ }} a step will use has a value, reporting the
// ones that do not as FILE:LINE:COL problems (exit 2) before anything runs.

import { relative } from 'node:path';
import { collectReferences, type InterpolationContext, interpolate } from '../plan/interpolate.js';
import { parseSecretsFile, Redactor, resolveSecrets } from '../plan/secrets.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { RollgateError, type SourceProblem, ValidationError } from '../shared/errors.js';

export interface RunInputs {
  environment: string;
  version: string;
  vars: Record<string, string>;
  secretsFile?: string;
}

export interface ResolvedInputs {
  interpolation: InterpolationContext;
  redactor: Redactor;
}

export function parseVarFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new RollgateError('INVALID_INPUT', `--var ${f}: expected KEY=VALUE`);
    out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

export function allSteps(plan: Plan): PlanStep[] {
  return [...plan.phases.flatMap((p) => p.steps), ...plan.rollback.hooks];
}

export function resolveInputs(plan: Plan, inputs: RunInputs): ResolvedInputs {
  const env = plan.environments[inputs.environment];
  if (!env) {
    const names = Object.keys(plan.environments);
    throw new RollgateError(
      'INVALID_INPUT',
      `unknown environment "${inputs.environment}"; the plan defines: ${names.join(', ')}`,
    );
  }
  const secretNames = new Set<string>();
  for (const r of collectReferences([allSteps(plan).map((s) => s.params), plan.notify, plan.service])) {
    if (r.namespace === 'secrets') secretNames.add(r.name);
  }
  const fromFile = inputs.secretsFile ? parseSecretsFile(inputs.secretsFile) : {};
  const secrets = resolveSecrets(secretNames, process.env, fromFile);
  const interpolation: InterpolationContext = {
    env: process.env,
    secrets,
    vars: { ...(env.vars ?? {}), ...inputs.vars },
    version: inputs.version,
    environment: inputs.environment,
    app: plan.app,
  };
  return { interpolation, redactor: new Redactor(Object.values(secrets)) };
}

/** Every undefined reference in the plan's steps, notify targets and service, as located problems. */
export function undefinedReferenceProblems(plan: Plan, ctx: InterpolationContext): SourceProblem[] {
  const file = relative(process.cwd(), plan.file) || plan.file;
  const problems: SourceProblem[] = [];
  for (const s of allSteps(plan)) {
    const { undefinedReferences } = interpolate(s.params, ctx, { redactSecrets: true });
    for (const r of undefinedReferences) {
      problems.push({
        file,
        ...s.position,
        message: `step "${s.name}" uses ${r}, which is not defined${hintFor(r)}`,
      });
    }
  }
  const other = interpolate([plan.notify, plan.service ?? null], ctx, { redactSecrets: true });
  for (const r of other.undefinedReferences) {
    problems.push({
      file,
      line: 1,
      col: 1,
      message: `notify/service uses ${r}, which is not defined${hintFor(r)}`,
    });
  }
  return problems;
}

function hintFor(ref: string): string {
  if (ref.startsWith('vars.'))
    return ` (set it under environments.<env>.vars or pass --var ${ref.slice(5)}=VALUE)`;
  if (ref.startsWith('secrets.'))
    return ` (export ${ref.slice(8)} or put ${ref.slice(8)}=VALUE in --secrets-file)`;
  if (ref.startsWith('env.')) return ` (export ${ref.slice(4)})`;
  return '';
}

export function assertReferencesDefined(plan: Plan, ctx: InterpolationContext): void {
  const problems = undefinedReferenceProblems(plan, ctx);
  if (problems.length > 0) throw new ValidationError(problems);
}
