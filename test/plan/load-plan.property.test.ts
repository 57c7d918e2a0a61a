// Property: whatever text it is given (valid plans mutated structurally, YAML text cut and
// garbled, random unicode), the loader returns a Plan or throws a ValidationError whose every
// problem points inside the text (line >= 1, col >= 1, line <= lines + 1). Nothing else escapes.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mutations inject ${{ }} text on purpose

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Plan } from '../../src/plan/types.js';
import { ValidationError } from '../../src/shared/errors.js';
import { chainPlan, load, validPlan } from './plan-fixtures.js';

const diamondPlan = `app: api
environments:
  staging: { target: { kind: local, listen: 9000, sticky: true } }
phases:
  - name: build
    steps: [{ run: make }]
  - name: test
    needs: [build]
    parallel: true
    steps:
      - run: { command: "make test", cwd: ., env: { CI: "true" } }
      - http: { url: "http://127.0.0.1:9000/", method: HEAD, status: [200, 204] }
  - name: lint
    needs: [build]
    steps: [{ check: { env: [HOME], disk: { minFree: 1GB } }, timeout: 30s }]
  - name: release
    needs: [test, lint]
    steps:
      - approve: { timeout: 1h }
      - notify: { webhook: "\${{ secrets.HOOK }}" }
gates:
  g: { metrics: [{ name: p95, provider: router, query: latency_p95, max: 2s, interval: 5s, count: 3 }] }
`;

const seeds = [validPlan, chainPlan, diamondPlan];
const seedObjects = seeds.map((s) => parse(s) as unknown);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type PathSeg = string | number;

function paths(v: unknown, at: PathSeg[] = [], out: PathSeg[][] = []): PathSeg[][] {
  out.push(at);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      paths(x, [...at, i], out);
    });
  } else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function parentOf(root: unknown, path: PathSeg[]): Record<PathSeg, unknown> | undefined {
  let v = root;
  for (const seg of path.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSeg, unknown>)[seg];
  }
  return v !== null && typeof v === 'object' ? (v as Record<PathSeg, unknown>) : undefined;
}

const badDurations = ['5x', '1 s', '', '-1s', '1.s', '10', 'PT5M', '∞', '1e3ms'];
const badExpressions = ['${{ env.X', '${{ nope.y }}', '${{}}', '${{ secrets. }}', 'a ${{ env.A }} ${{'];
const kindWords = [
  'run',
  'check',
  'http',
  'wait',
  'approve',
  'notify',
  'runn',
  'deploy',
  'gate',
  'migrate',
  'load',
];

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(...badDurations, ...badExpressions, ...kindWords),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('name', 'x', ...kindWords), scalar, { maxKeys: 3 }) },
);

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'rename'; at: number; to: string }
  | { op: 'replace'; at: number; value: Json }
  | { op: 'duration'; at: number; value: string }
  | { op: 'expression'; at: number; value: string }
  | { op: 'needs'; from: number; to: number }
  | { op: 'addKey'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('rename' as const),
    at: fc.nat(),
    to: fc.oneof(
      fc.string({ minLength: 1, maxLength: 10 }),
      fc.constantFrom('nedes', 'stpes', 'tcpp', 'nam', ...kindWords),
    ),
  }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: anyValue }),
  fc.record({ op: fc.constant('duration' as const), at: fc.nat(), value: fc.constantFrom(...badDurations) }),
  fc.record({
    op: fc.constant('expression' as const),
    at: fc.nat(),
    value: fc.constantFrom(...badExpressions),
  }),
  fc.record({ op: fc.constant('needs' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({
    op: fc.constant('addKey' as const),
    at: fc.nat(),
    key: fc.string({ maxLength: 8 }),
    value: anyValue,
  }),
);

/** Applies mutations to a deep copy of a seed plan object. */
function mutate(seed: unknown, mutations: Mutation[]): unknown {
  const root = { doc: structuredClone(seed) as unknown };
  for (const m of mutations) {
    const all = paths(root.doc).map((p) => ['doc', ...p]);
    if (m.op === 'needs') {
      // Add an edge between two phases (often closing a cycle).
      const doc = root.doc;
      const phases =
        doc !== null && typeof doc === 'object' ? (doc as { phases?: unknown }).phases : undefined;
      if (!Array.isArray(phases) || phases.length === 0) continue;
      const from = phases[m.from % phases.length] as Record<string, unknown> | null;
      const to = phases[m.to % phases.length] as Record<string, unknown> | null;
      if (from && typeof from === 'object' && to && typeof to === 'object') {
        from.needs = [...(Array.isArray(from.needs) ? from.needs : []), to.name];
      }
      continue;
    }
    const path = all[m.at % all.length] as PathSeg[];
    const parent = parentOf(root, path);
    const last = path[path.length - 1] as PathSeg;
    if (!parent) continue;
    switch (m.op) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'rename':
        if (!Array.isArray(parent) && last !== 'doc') {
          parent[m.to] = parent[last];
          delete parent[last];
        }
        break;
      case 'replace':
        parent[last] = m.value;
        break;
      case 'duration':
      case 'expression':
        parent[last] = m.value;
        break;
      case 'addKey': {
        const target = parent[last];
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
          (target as Record<string, unknown>)[m.key] = m.value;
        }
        break;
      }
    }
  }
  return root.doc;
}

/** Text-level damage: cut, splice in junk, drop or repeat lines, shift indentation. */
type TextEdit =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'dropLine'; at: number }
  | { op: 'dupLine'; at: number }
  | { op: 'indent'; at: number; by: number }
  | { op: 'replaceChar'; at: number; ch: string };

const junk = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom(
    ':',
    '- ',
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '&a ',
    '*a',
    '\t',
    '\n',
    '\r\n',
    '#',
    '---\n',
    '...',
    '!!binary ',
    '<<: *a',
    '? ',
    '|',
    '>-',
    '%YAML 1.2\n',
    '\u0000',
    '\ufeff',
    '${{',
  ),
);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: junk }),
  fc.record({ op: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ op: fc.constant('replaceChar' as const), at: fc.nat(), ch: junk }),
);

function edit(text: string, edits: TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const lines = t.split('\n');
    switch (e.op) {
      case 'truncate':
        t = t.slice(0, e.at % (t.length + 1));
        break;
      case 'insert': {
        const at = e.at % (t.length + 1);
        t = t.slice(0, at) + e.text + t.slice(at);
        break;
      }
      case 'replaceChar': {
        const at = e.at % (t.length + 1);
        t = t.slice(0, at) + e.ch + t.slice(at + 1);
        break;
      }
      case 'dropLine':
        lines.splice(e.at % lines.length, 1);
        t = lines.join('\n');
        break;
      case 'dupLine': {
        const i = e.at % lines.length;
        lines.splice(i, 0, lines[i] as string);
        t = lines.join('\n');
        break;
      }
      case 'indent': {
        const i = e.at % lines.length;
        const line = lines[i] as string;
        lines[i] = e.by >= 0 ? ' '.repeat(e.by) + line : line.replace(new RegExp(`^ {0,${-e.by}}`), '');
        t = lines.join('\n');
        break;
      }
    }
  }
  return t;
}

let loaded = 0;
let rejected = 0;

/** The invariant: a Plan, or a ValidationError whose problems all point inside the text. */
function checkLoad(text: string): void {
  let plan: Plan;
  try {
    plan = load(text);
  } catch (e) {
    if (!(e instanceof ValidationError)) {
      throw new Error(`loader threw ${String(e)} for:\n${JSON.stringify(text)}`);
    }
    rejected++;
    // Plain checks rather than expect(): this runs for every problem of 5,000+ plans.
    const lineCount = text.split(/\r\n|\r|\n/).length;
    if (e.problems.length === 0) throw new Error(`no problems listed for ${JSON.stringify(text)}`);
    for (const p of e.problems) {
      const ok =
        p.file === 'rollgate.yaml' &&
        Number.isInteger(p.line) &&
        Number.isInteger(p.col) &&
        p.line >= 1 &&
        p.col >= 1 &&
        p.line <= lineCount + 1 &&
        p.message.length > 0;
      if (!ok)
        throw new Error(
          `bad problem ${JSON.stringify(p)} (text has ${lineCount} lines): ${JSON.stringify(text)}`,
        );
    }
    return;
  }
  loaded++;
  expect(plan.phases.length).toBeGreaterThan(0);
  for (const phase of plan.phases) {
    phase.steps.forEach((s, i) => {
      expect(s.key).toBe(`${phase.name}/${i}`);
      expect(s.retries).toBeGreaterThanOrEqual(0);
      expect(s.position.line).toBeGreaterThanOrEqual(1);
    });
  }
}

describe('loadPlanText never throws anything but ValidationError', () => {
  it('the seeds are valid plans', () => {
    for (const s of seeds) expect(() => load(s)).not.toThrow();
  });

  it('structurally mutated plans (delete/rename keys, swap types, bad durations and expressions, cycles)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (s, ms) => {
          checkLoad(stringify(mutate(seedObjects[s], ms)) ?? '');
        },
      ),
      { numRuns: 2000, seed: 20_241_101 },
    );
  });

  it('damaged YAML text (truncation, junk, dropped, repeated and shifted lines, unicode)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(textEdit, { minLength: 1, maxLength: 4 }),
        (s, es) => {
          checkLoad(edit(seeds[s] as string, es));
        },
      ),
      { numRuns: 2000, seed: 4_242 },
    );
  });

  it('random text and random YAML documents', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.json().map((j) => stringify(JSON.parse(j))),
          fc.array(junk, { maxLength: 20 }).map((parts) => parts.join('')),
        ),
        checkLoad,
      ),
      { numRuns: 1500, seed: 77 },
    );
  });

  it('the mix exercised both outcomes (else the properties say little)', () => {
    expect(rejected + loaded).toBe(5500);
    expect(rejected).toBeGreaterThan(2000);
    expect(loaded).toBeGreaterThan(50);
  });
});
