// Loads rollgate.yaml: YAML with positions → schema → graph and reference checks → a normalized Plan.
// Every problem is collected (not just the first) and reported as FILE:LINE:COL: message.

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parseDuration } from '../shared/duration.js';
import { RollgateError, type SourceProblem, ValidationError } from '../shared/errors.js';
import { suggest } from './did-you-mean.js';
import { findCycle } from './graph.js';
import { findExpressions } from './interpolate.js';
import { buildPlanSchema } from './schema/plan.js';
import { buildStepVariants, type StepSchemas } from './schema/step.js';
import type { Plan, PlanPhase, PlanStep } from './types.js';
import { formatPath, type PathSegment, YamlPositions } from './yaml-positions.js';
import { describeIssue, type PlanIssue } from './zod-issues.js';

export interface LoadPlanOptions {
  stepKinds: StepSchemas;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Reads and loads a plan file. Throws ValidationError (exit 2) listing every problem. */
export function loadPlanFile(path: string, options: LoadPlanOptions): Plan {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ' (create one with `rollgate init`, or pass -f FILE)' : '';
    throw new RollgateError(
      'INVALID_INPUT',
      `cannot read plan ${displayName(file)}: ${code ?? (cause as Error).message}${hint}`,
      {
        cause,
      },
    );
  }
  return loadPlanText(text, file, options);
}

function walkStrings(
  value: unknown,
  path: PathSegment[],
  visit: (s: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value))
    value.forEach((v, i) => {
      walkStrings(v, [...path, i], visit);
    });
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}

function walkKey(
  value: unknown,
  key: string,
  path: PathSegment[],
  visit: (v: unknown, path: PathSegment[]) => void,
): void {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      walkKey(v, key, [...path, i], visit);
    });
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      // Free-form maps (environment variables, HTTP headers) may well hold a key named like the one
      // we look for; it is data there, not a reference.
      if (freeFormMaps.has(k)) continue;
      if (k === key) visit(v, [...path, k]);
      walkKey(v, key, [...path, k], visit);
    }
  }
}

const freeFormMaps = new Set(['env', 'headers', 'vars']);

/** Checks that need the whole plan: phase names, needs, cycles, gate references, ${{ }} syntax. */
function crossChecks(data: Raw): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const phases = Array.isArray(data.phases) ? data.phases : [];
  const names: string[] = [];
  const seen = new Map<string, number>();
  phases.forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string') return;
    const first = seen.get(p.name);
    if (first !== undefined) {
      issues.push({
        path: ['phases', i, 'name'],
        message: `duplicate phase name "${p.name}" (first defined at phases[${first}])`,
      });
    } else {
      seen.set(p.name, i);
      names.push(p.name);
    }
  });
  const graph: { name: string; needs: string[]; index: number }[] = [];
  phases.forEach((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string' || seen.get(p.name) !== i) return;
    const needs = Array.isArray(p.needs) ? p.needs.filter((n): n is string => typeof n === 'string') : [];
    needs.forEach((n, j) => {
      if (!seen.has(n)) {
        const s = suggest(n, names);
        issues.push({
          path: ['phases', i, 'needs', j],
          message: `phase "${p.name}" needs unknown phase "${n}"${s ? ` (did you mean "${s}"?)` : ''}; phases are: ${names.join(', ')}`,
        });
      } else if (n === p.name) {
        issues.push({ path: ['phases', i, 'needs', j], message: `phase "${p.name}" needs itself` });
      }
    });
    graph.push({ name: p.name, needs: needs.filter((n) => seen.has(n) && n !== p.name), index: i });
  });
  // Every independent cycle, not only the first: drop a found cycle's phases and look again.
  let remaining = graph;
  for (let cycle = findCycle(remaining); cycle; cycle = findCycle(remaining)) {
    const members = new Set(cycle);
    const at = remaining.find((g) => g.name === cycle?.[0]);
    issues.push({
      path: ['phases', at?.index ?? 0, 'needs'],
      message: `cycle in needs: ${cycle.join(' -> ')}`,
    });
    remaining = remaining.filter((g) => !members.has(g.name));
  }
  const gateNames = isObject(data.gates) ? Object.keys(data.gates) : [];
  const checkGateRefs = (root: unknown, rootPath: PathSegment[]) =>
    walkKey(root, 'gate', rootPath, (v, path) => {
      if (typeof v === 'string' && !gateNames.includes(v)) {
        const s = suggest(v, gateNames);
        issues.push({
          path,
          message: `unknown gate "${v}"${s ? ` (did you mean "${s}"?)` : ''}; ${gateNames.length ? `gates are: ${gateNames.join(', ')}` : 'define it under gates:'}`,
        });
      }
    });
  checkGateRefs(data.phases, ['phases']);
  checkGateRefs(data.rollback, ['rollback']);
  walkStrings(data, [], (s, path) => {
    for (const e of findExpressions(s)) {
      if (e.error)
        issues.push({ path, message: `${formatPath(path)}: ${e.error}`, offset: e.offset } as PlanIssue & {
          offset: number;
        });
    }
  });
  return issues;
}

function stepLabel(kind: string, params: unknown): string {
  if (typeof params === 'string')
    return `${kind}: ${params.length > 60 ? `${params.slice(0, 57)}...` : params}`;
  if (isObject(params) && typeof params.command === 'string') return `${kind}: ${params.command}`;
  return kind;
}

function normalizeStep(
  raw: Raw,
  phase: string,
  index: number,
  kinds: StepSchemas,
  pos: YamlPositions,
  path: PathSegment[],
): PlanStep {
  const kind = Object.keys(raw).find((k) => k in kinds) as string;
  const params = raw[kind];
  return {
    key: `${phase}/${index}`,
    phase,
    index,
    kind,
    params,
    name: typeof raw.name === 'string' ? raw.name : stepLabel(kind, params),
    named: typeof raw.name === 'string',
    timeoutMs: typeof raw.timeout === 'string' ? parseDuration(raw.timeout) : undefined,
    retries: typeof raw.retries === 'number' ? raw.retries : 0,
    continueOnError: raw.continueOnError === true,
    position: pos.of(path),
  };
}

// Building the zod schema is cheap, but zod compiles each new object schema on first parse, which
// costs more than the parse itself; reuse both per set of step kinds (and kind names, in case the
// set is extended in place).
const compiled = new WeakMap<
  StepSchemas,
  {
    names: string;
    schema: ReturnType<typeof buildPlanSchema>;
    stepVariants: ReturnType<typeof buildStepVariants>;
  }
>();

function compiledSchemas(kinds: StepSchemas) {
  const names = Object.keys(kinds).join('\0');
  let entry = compiled.get(kinds);
  if (!entry || entry.names !== names) {
    entry = { names, schema: buildPlanSchema(kinds), stepVariants: buildStepVariants(kinds) };
    compiled.set(kinds, entry);
  }
  return entry;
}

/** Loads plan text (already read). `file` is used for messages and relative paths. */
export function loadPlanText(text: string, file: string, options: LoadPlanOptions): Plan {
  const shown = displayName(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    stringKeys: true,
  });
  const problem = (line: number, col: number, message: string): SourceProblem => ({
    file: shown,
    line,
    col,
    message,
  });
  if (doc.errors.length > 0) {
    throw new ValidationError(
      doc.errors.map((e) => {
        // linePos is only filled in with prettyErrors; compute it from the offset ourselves.
        const p = e.linePos?.[0] ?? lines.linePos(Math.min(e.pos[0], text.length));
        return problem(p.line, p.col, `YAML syntax: ${e.message.split('\n')[0]}`);
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    // e.g. an alias bomb ("excessive alias count"): input to reject, not a crash.
    throw new ValidationError([problem(1, 1, `YAML: ${(cause as Error).message}`)]);
  }
  if (!isObject(data)) {
    throw new ValidationError([
      problem(1, 1, 'expected a mapping with app, environments and phases at the top level'),
    ]);
  }
  const { schema, stepVariants } = compiledSchemas(options.stepKinds);
  const pos = new YamlPositions(doc, lines);
  const issues: PlanIssue[] = [];
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push(...describeIssue(i, { schema, data, stepVariants }));
  }
  issues.push(...crossChecks(data));
  if (issues.length > 0 || !parsed.success) {
    const problems = issues.map((i) => {
      const offset = (i as PlanIssue & { offset?: number }).offset;
      const p = offset !== undefined ? pos.ofStringOffset(i.path, offset) : pos.of(i.path, i.key);
      return problem(p.line, p.col, i.message);
    });
    const unique = [...new Map(problems.map((p) => [`${p.line}:${p.col}:${p.message}`, p])).values()];
    unique.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ValidationError(unique);
  }
  const plan = parsed.data;
  const rawPhases = (data.phases as Raw[]) ?? [];
  const phases: PlanPhase[] = plan.phases.map((p, i) => ({
    name: p.name,
    needs: p.needs,
    parallel: p.parallel,
    position: pos.of(['phases', i]),
    steps: ((rawPhases[i] as Raw).steps as Raw[]).map((s, j) =>
      normalizeStep(s, p.name, j, options.stepKinds, pos, ['phases', i, 'steps', j]),
    ),
  }));
  const rawHooks =
    isObject(data.rollback) && Array.isArray(data.rollback.hooks) ? (data.rollback.hooks as Raw[]) : [];
  return {
    file,
    dir: dirname(file),
    text,
    app: plan.app,
    service: plan.service,
    environments: plan.environments,
    phases,
    gates: plan.gates ?? {},
    rollback: {
      on: plan.rollback?.on ?? ['health', 'gate', 'step-failure'],
      hooks: rawHooks.map((s, j) =>
        normalizeStep(s, 'rollback', j, options.stepKinds, pos, ['rollback', 'hooks', j]),
      ),
    },
    notify: plan.notify ?? [],
    claims: (plan.claims ?? []).map((c) => (typeof c === 'string' ? c : c.claim)),
  };
}
