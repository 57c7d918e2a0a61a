// Checks of a loaded plan that need more than the schema, applied by validate, plan and deploy alike.
// Today: a destructive or renaming migration that runs before (or alongside) a canary or blue-green
// deploy step — the old release still serves traffic then, so the change must be split into expand
// and contract releases.

import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { dependentsOf } from '../plan/graph.js';
import { interpolate } from '../plan/interpolate.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { type SourceProblem, ValidationError } from '../shared/errors.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when `later` is guaranteed to start only after `earlier` has finished. */
function runsAfter(plan: Plan, earlier: PlanStep, later: PlanStep): boolean {
  if (earlier.phase === later.phase) {
    const phase = plan.phases.find((p) => p.name === earlier.phase);
    return !phase?.parallel && later.index > earlier.index;
  }
  return dependentsOf(plan.phases, earlier.phase).has(later.phase);
}

async function appliedFiles(step: PlanStep, dir: string): Promise<Set<string>> {
  const raw = isObject(step.params) ? step.params.database : undefined;
  if (typeof raw !== 'string') return new Set();
  const { value: databaseUrl, undefinedReferences } = interpolate(
    raw,
    { env: process.env, secrets: {}, vars: {} },
    { redactSecrets: false },
  );
  if (undefinedReferences.length > 0 || !/^postgres(ql)?:\/\//.test(databaseUrl)) return new Set();
  const { migrateStatus } = await import('../migrate/index.js');
  const timeout = delay(3000, undefined, { ref: false });
  try {
    const state = await Promise.race([migrateStatus({ databaseUrl, dir }), timeout]);
    if (!state) return new Set();
    return new Set(
      state.entries
        .filter((e) => e.file !== null && ['applied', 'baseline', 'changed'].includes(e.state))
        .map((e) => basename(e.file as string)),
    );
  } catch {
    return new Set(); // unreachable database: judge every file, the safe answer
  }
}

export async function checkPlanExtras(plan: Plan): Promise<void> {
  const steps = plan.phases.flatMap((p) => p.steps);
  const rollouts = steps.filter(
    (s) =>
      s.kind === 'deploy' &&
      isObject(s.params) &&
      (s.params.strategy === 'canary' || s.params.strategy === 'blueGreen'),
  );
  if (rollouts.length === 0) return;
  const migrations = steps.filter(
    (m) => m.kind === 'migrate' && rollouts.some((d) => !runsAfter(plan, d, m)),
  );
  const problems: SourceProblem[] = [];
  for (const m of migrations) {
    const dirParam = isObject(m.params) && typeof m.params.dir === 'string' ? m.params.dir : 'migrations';
    if (dirParam.includes('${{')) continue;
    const dir = resolve(plan.dir, dirParam);
    if (!existsSync(dir)) continue;
    const { findExpandContractViolations } = await import('../migrate/index.js');
    const rollout = rollouts.find((d) => !runsAfter(plan, d, m)) as PlanStep;
    const violations = await findExpandContractViolations([dir]);
    // A migration applied by an earlier release does not run again: when the database can be
    // asked (its URL needs only environment variables), only pending files count.
    const applied = violations.length > 0 ? await appliedFiles(m, dir) : new Set<string>();
    for (const f of violations.filter((v) => !applied.has(basename(v.file)))) {
      const file = relative(process.cwd(), resolve(dir, f.file)) || f.file;
      problems.push({
        file: f.file.startsWith('/') ? relative(process.cwd(), f.file) : file,
        line: f.line,
        col: f.col,
        message: `${f.message} (migrate step ${m.key} runs before the ${String((rollout.params as Record<string, unknown>).strategy)} step ${rollout.key}); ${f.hint}`,
      });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}
