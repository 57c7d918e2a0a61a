// The plan loader: every class of problem reported at its exact FILE:LINE:COL, several at once,
// and a valid plan normalized into phases and steps.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: plans contain ${{ }} expressions on purpose

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { formatProblem, RollgateError, ValidationError } from '../../src/shared/errors.js';
import { stepSchemas } from '../../src/steps/registry.js';
import { chainPlan, lines, load, located, problemsOf, validPlan } from './plan-fixtures.js';

// Other engineers register more kinds; messages list whatever is registered, in order.
const kinds = Object.keys(stepSchemas).join(', ');

const head = [
  'app: shop',
  'environments:',
  '  staging: { target: { kind: local, listen: 8080 } }',
  'phases:',
];

/** A plan whose lines 1-4 are `head` and whose phases start on line 5. */
function withPhases(...phaseLines: string[]): string {
  return lines(...head, ...phaseLines);
}

describe('loadPlanText: problems at FILE:LINE:COL', () => {
  it('names the file relative to the working directory and formats FILE:LINE:COL: message', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run: x', '        retries: many');
    const e = (() => {
      try {
        load(text);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    const v = e as ValidationError;
    expect(v.code).toBe('INVALID_PLAN');
    expect(v.exitCode).toBe(2);
    expect(v.problems).toEqual([
      {
        file: 'rollgate.yaml',
        line: 8,
        col: 18,
        message: 'phases[0].steps[0].retries: expected a number, got the string "many"',
      },
    ]);
    expect(v.message).toContain(
      'rollgate.yaml:8:18: phases[0].steps[0].retries: expected a number, got the string "many"',
    );
    expect(formatProblem(v.problems[0] as (typeof v.problems)[0])).toBe(
      'rollgate.yaml:8:18: phases[0].steps[0].retries: expected a number, got the string "many"',
    );
  });

  it('YAML syntax error at the offending token, not at 1:1', () => {
    // Line 3: an unterminated flow sequence; the parser complains where the block ends.
    const text = lines('app: shop', 'environments: {}', 'phases: [', '  - name: a');
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.message.startsWith('YAML syntax: '))).toBe(true);
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(['4:3', '5:1']);
  });

  it('YAML syntax: a bad indentation is reported on its line', () => {
    expect(located(lines('app: shop', 'environments:', '  staging: {}', ' phases: []'))).toEqual([
      '4:1 YAML syntax: All mapping items must start at the same column',
    ]);
  });

  it('YAML syntax: a duplicate key is reported on the second occurrence', () => {
    expect(located(lines('app: shop', 'environments: {}', 'app: again'))).toEqual([
      '3:1 YAML syntax: Map keys must be unique',
    ]);
  });

  it('an unresolved alias is a problem, not a crash', () => {
    const problems = problemsOf(lines('app: *name', 'environments: {}'));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/alias/i);
  });

  it('an alias bomb is rejected as a problem', () => {
    const text = lines(
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    );
    expect(problemsOf(text)[0]?.message).toMatch(/alias/i);
  });

  it('a document that is not a mapping', () => {
    expect(located('- just\n- a list\n')).toEqual([
      '1:1 expected a mapping with app, environments and phases at the top level',
    ]);
    expect(located('')).toEqual([
      '1:1 expected a mapping with app, environments and phases at the top level',
    ]);
  });

  it('unknown top-level key, with "did you mean", at the key', () => {
    const text = lines(...head, '  - name: a', '    steps: [{ run: x }]', 'gatez: {}');
    expect(located(text)).toEqual([
      '7:1 unknown key "gatez" (did you mean "gates"?); expected one of: app, service, environments, phases, gates, rollback, notify, claims',
    ]);
  });

  it('unknown key inside a phase, at the key', () => {
    const text = withPhases('  - name: a', '    nedes: []', '    steps: [{ run: x }]');
    expect(located(text)).toEqual([
      '6:5 phases[0]: unknown key "nedes" (did you mean "needs"?); expected one of: name, needs, parallel, steps',
    ]);
  });

  it("unknown key inside a step kind's mapping (check.tcpp), at the key", () => {
    const text = withPhases(
      '  - name: a',
      '    steps:',
      '      - check: { env: [A], tcpp: ["127.0.0.1:1"] }',
    );
    expect(located(text)).toEqual([
      '7:28 phases[0].steps[0].check: unknown key "tcpp" (did you mean "tcp"?); expected one of: env, tcp, http, disk, command',
    ]);
  });

  it('unknown key in the mapping form of a string-or-mapping kind (run)', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run:', '          comand: make');
    expect(located(text).sort()).toEqual([
      '8:11 missing required field "phases[0].steps[0].run.command" (expected a string)',
      '8:11 phases[0].steps[0].run: unknown key "comand" (did you mean "command"?); expected one of: command, cwd, env',
    ]);
  });

  it('wrong type, at the value', () => {
    const text = lines(
      'app: shop',
      'environments:',
      '  staging: { target: { kind: local, listen: "8080" } }',
      'phases:',
      '  - name: a',
      '    parallel: yes please',
      '    steps: [{ run: x }]',
    );
    expect(located(text)).toEqual([
      '3:45 environments.staging.target.listen: expected a number, got the string "8080"',
      '6:15 phases[0].parallel: expected true or false, got the string "yes please"',
    ]);
  });

  it('missing required field, at the mapping that lacks it', () => {
    const text = lines('environments:', '  staging: {}', 'phases:', '  - steps: [{ run: x }]');
    expect(located(text)).toEqual([
      '1:1 missing required field "app" (expected a string)',
      '4:5 missing required field "phases[0].name" (expected a string)',
    ]);
  });

  it('missing environments mapping says "a mapping"', () => {
    expect(located(lines('app: shop', 'phases: [{ name: a, steps: [{ run: x }] }]'))).toEqual([
      '1:1 missing required field "environments" (expected a mapping)',
    ]);
  });

  it('bad duration, at the value, for step timeout, wait and a gate metric', () => {
    const text = lines(
      ...head,
      '  - name: a',
      '    steps:',
      '      - run: x',
      '        timeout: 5 minutes',
      '      - wait: soon',
      'gates:',
      '  slo: { metrics: [{ name: e, provider: router, query: q, interval: 1x }] }',
    );
    expect(located(text)).toEqual([
      '8:18 phases[0].steps[0].timeout: invalid duration "5 minutes": expected a duration such as 500ms, 2s, 5m or 1h',
      '9:15 phases[0].steps[1].wait: invalid duration "soon": expected a duration such as 500ms, 2s, 5m or 1h',
      '11:69 gates.slo.metrics[0].interval: invalid duration "1x": expected a duration such as 500ms, 2s, 5m or 1h',
    ]);
  });

  it('duplicate phase name, at the second name', () => {
    const text = withPhases(
      '  - name: a',
      '    steps: [{ run: x }]',
      '  - name: a',
      '    steps: [{ run: y }]',
    );
    expect(located(text)).toEqual(['7:11 duplicate phase name "a" (first defined at phases[0])']);
  });

  it('unknown phase in needs, with a suggestion, at the list item', () => {
    const text = withPhases(
      '  - name: preflight',
      '    steps: [{ run: x }]',
      '  - name: deploy',
      '    needs: [preflihgt]',
      '    steps: [{ run: y }]',
    );
    expect(located(text)).toEqual([
      '8:13 phase "deploy" needs unknown phase "preflihgt" (did you mean "preflight"?); phases are: preflight, deploy',
    ]);
  });

  it('a phase that needs itself', () => {
    const text = withPhases('  - name: a', '    needs: [a]', '    steps: [{ run: x }]');
    expect(located(text)).toEqual(['6:13 phase "a" needs itself']);
  });

  it('a 2-cycle printed as a path, at the needs of its first phase', () => {
    const text = withPhases(
      '  - name: a',
      '    needs: [b]',
      '    steps: [{ run: x }]',
      '  - name: b',
      '    needs: [a]',
      '    steps: [{ run: y }]',
    );
    expect(located(text)).toEqual(['6:12 cycle in needs: a -> b -> a']);
  });

  it('a 3-cycle printed as a path in the direction of needs', () => {
    const text = withPhases(
      '  - name: start',
      '    steps: [{ run: x }]',
      '  - name: a',
      '    needs: [start, c]',
      '    steps: [{ run: x }]',
      '  - name: b',
      '    needs: [a]',
      '    steps: [{ run: y }]',
      '  - name: c',
      '    needs: [b]',
      '    steps: [{ run: z }]',
    );
    expect(located(text)).toEqual(['8:12 cycle in needs: a -> c -> b -> a']);
  });

  it('two independent cycles are both reported', () => {
    const text = withPhases(
      '  - { name: a, needs: [b], steps: [{ run: x }] }',
      '  - { name: b, needs: [a], steps: [{ run: x }] }',
      '  - { name: c, needs: [d], steps: [{ run: x }] }',
      '  - { name: d, needs: [c], steps: [{ run: x }] }',
    );
    expect(located(text)).toEqual(['5:23 cycle in needs: a -> b -> a', '7:23 cycle in needs: c -> d -> c']);
  });

  it('unknown gate, with a suggestion, in rollback hooks and steps', () => {
    const text = lines(
      ...head,
      '  - name: a',
      '    steps:',
      '      - run: { command: x, gate: sol }',
      'gates:',
      '  slo: { metrics: [{ name: e, provider: router, query: q }] }',
    );
    const found = located(text);
    expect(found).toContain('7:34 unknown gate "sol" (did you mean "slo"?); gates are: slo');
  });

  it('unknown gate when no gates are defined says where to define it', () => {
    const text = lines(
      ...head,
      '  - name: a',
      '    steps: [{ run: x }]',
      'rollback:',
      '  hooks:',
      '    - run: { command: x, gate: slo }',
    );
    expect(located(text)).toContain('9:32 unknown gate "slo"; define it under gates:');
  });

  it('a key named gate inside env or headers is data, not a gate reference', () => {
    const text = withPhases(
      '  - name: a',
      '    steps:',
      '      - run: { command: x, env: { gate: open } }',
      '      - http: { url: "http://127.0.0.1:1/", headers: { gate: x } }',
    );
    expect(load(text).phases[0]?.steps).toHaveLength(2);
  });

  it('invalid ${{ }} expression, at the "${{" inside the string', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run: echo ${{ env.A }} ${{ nope.b }}');
    expect(located(text)).toEqual([
      '7:32 phases[0].steps[0].run: invalid expression ${{ nope.b }}: expected ${{ env.NAME }}, ${{ secrets.NAME }}, ${{ vars.NAME }}, ${{ version }}, ${{ environment }} or ${{ app }}',
    ]);
  });

  it('unclosed ${{, inside a double-quoted string (column counts the quote)', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run: "echo ${{ env.A"');
    expect(located(text)).toEqual(['7:20 phases[0].steps[0].run: unclosed ${{ (expected }})']);
  });

  it('an expression in a string with escapes or over several lines points at the string', () => {
    const text = withPhases(
      '  - name: a',
      '    steps:',
      '      - run: "a\\tb ${{ bad }}"',
      '      - run: echo one',
      '          two ${{ bad }}',
    );
    expect(located(text).map((l) => l.split(' phases')[0])).toEqual(['7:14', '8:14']);
  });

  it('unknown step kind, with a suggestion, at the key', () => {
    const text = withPhases('  - name: a', '    steps:', '      - runn: make');
    expect(located(text)).toEqual([
      `7:9 phases[0].steps[0]: unknown step kind "runn" (did you mean "run"?); expected one of: ${kinds}`,
    ]);
  });

  it('a step with only common options names the kinds', () => {
    const text = withPhases('  - name: a', '    steps:', '      - name: nothing');
    expect(located(text)).toEqual([`7:9 phases[0].steps[0]: a step needs one kind key: ${kinds}`]);
  });

  it('two kinds in one step, at the second kind', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run: make', '        wait: 1s');
    expect(located(text)).toEqual([
      '8:9 phases[0].steps[0]: a step has exactly one kind, found run and wait; split it into separate steps',
    ]);
  });

  it('a step that is not a mapping', () => {
    const text = withPhases('  - name: a', '    steps:', '      - run');
    expect(located(text)).toEqual([
      `7:9 phases[0].steps[0]: expected a step (a mapping with one of: ${kinds}), got the string "run"`,
    ]);
  });

  it('a string-or-mapping field given the wrong mapping explains the mapping form', () => {
    const text = withPhases('  - name: a', '    steps:', '      - http: { method: GET }');
    expect(located(text)).toEqual([
      '7:15 missing required field "phases[0].steps[0].http.url" (expected a string)',
    ]);
    const claims = lines(...head, '  - { name: a, steps: [{ run: x }] }', 'claims: [ok, { claim: 1 }]');
    expect(located(claims)).toEqual(['6:23 claims[1].claim: expected a string, got number 1']);
  });

  it('reports several problems at once, sorted by position', () => {
    const text = lines(
      'app: shop', // 1
      'environments:', // 2
      '  staging: { target: { kind: local, listen: 8080 } }', // 3
      'phases:', // 4
      '  - name: preflight', // 5
      '    nedes: []', // 6  unknown key
      '    steps:', // 7
      '      - check: { tcpp: ["127.0.0.1:5432"] }', // 8  unknown key in kind
      '      - run: npm test', // 9
      '        timeout: 5x', // 10 bad duration
      '        retries: "3"', // 11 wrong type
      '  - name: preflight', // 12 duplicate
      '    steps:', // 13
      '      - run: echo ${{ nope.y }}', // 14 invalid expression
      '  - name: deploy', // 15
      '    needs: [preflihgt]', // 16 unknown needs
      '    steps:', // 17
      '      - runn: x', // 18 unknown kind
      '      - run: a', // 19
      '        wait: 1s', // 20 two kinds
    );
    const found = located(text);
    expect(found.map((l) => l.split(' ')[0])).toEqual([
      '6:5',
      '8:18',
      '10:18',
      '11:18',
      '12:11',
      '14:19',
      '16:13',
      '18:9',
      '20:9',
    ]);
    expect(found).toHaveLength(9);
  });
});

describe('loadPlanText: a valid plan', () => {
  it('normalizes phases and steps', () => {
    const plan = load(validPlan);
    expect(plan.app).toBe('shop');
    expect(plan.text).toBe(validPlan);
    expect(plan.phases.map((p) => [p.name, p.needs, p.parallel, p.steps.length])).toEqual([
      ['preflight', [], false, 2],
      ['build', [], true, 2],
      ['release', ['preflight', 'build'], false, 3],
    ]);
    expect(plan.phases[0]?.position).toEqual({ line: 14, col: 5 });
    const [check, test] = plan.phases[0]?.steps ?? [];
    expect(check).toMatchObject({
      key: 'preflight/0',
      phase: 'preflight',
      index: 0,
      kind: 'check',
      params: { env: ['DATABASE_URL'], tcp: ['127.0.0.1:5432'] },
      name: 'check',
      named: false,
      retries: 0,
      continueOnError: false,
      position: { line: 16, col: 9 },
    });
    expect(check?.timeoutMs).toBeUndefined();
    expect(test).toMatchObject({
      key: 'preflight/1',
      kind: 'run',
      params: 'npm test',
      name: 'unit tests',
      named: true,
      timeoutMs: 120_000,
      retries: 2,
      continueOnError: true,
      position: { line: 17, col: 9 },
    });
    expect(plan.phases[1]?.steps.map((s) => [s.key, s.kind, s.name])).toEqual([
      ['build/0', 'run', 'run: npm run build'],
      ['build/1', 'http', 'http'],
    ]);
    expect(plan.phases[2]?.steps.map((s) => s.key)).toEqual(['release/0', 'release/1', 'release/2']);
    expect(plan.phases[2]?.steps[1]).toMatchObject({ kind: 'wait', params: '1m30s' });
    // Expressions are kept for per-run interpolation.
    expect(plan.notify).toEqual([{ webhook: '${{ secrets.SLACK_URL }}', on: ['run.failed'] }]);
  });

  it('fills defaults: service, environments, rollback, claims', () => {
    const plan = load(validPlan);
    expect(plan.service).toMatchObject({ start: 'node server.js', instances: 2, drain: '10s', retain: 3 });
    expect(plan.service?.health).toMatchObject({ http: '/healthz', healthyAfter: 2, unhealthyAfter: 3 });
    expect(plan.environments.staging?.target).toEqual({ kind: 'local', listen: 8080, host: '127.0.0.1' });
    expect(plan.environments.production?.approval).toEqual({ required: true });
    expect(plan.environments.production?.vars).toEqual({ REGION: 'eu-west-1', REPLICAS: '3' });
    expect(plan.rollback.on).toEqual(['health', 'gate']);
    expect(plan.rollback.hooks.map((h) => [h.key, h.kind, h.params])).toEqual([
      ['rollback/0', 'run', 'redis-cli FLUSHDB'],
    ]);
    expect(plan.claims).toEqual(['p95 < 200ms', 'error rate < 1%']);
    expect(Object.keys(plan.gates)).toEqual(['slo']);
  });

  it('defaults when optional sections are absent', () => {
    const plan = load(chainPlan);
    expect(plan.rollback).toEqual({ on: ['health', 'gate', 'step-failure'], hooks: [] });
    expect(plan.gates).toEqual({});
    expect(plan.notify).toEqual([]);
    expect(plan.claims).toEqual([]);
    expect(plan.service).toBeUndefined();
    expect(plan.phases[1]?.steps[0]).toMatchObject({ key: 'b/0', timeoutMs: 5000, name: 'run: echo b' });
    expect(plan.phases[2]?.steps[0]).toMatchObject({ key: 'c/0', kind: 'wait', name: 'wait: 1s' });
  });

  it('long run commands are shortened in the derived name', () => {
    const long = 'x'.repeat(80);
    const plan = load(withPhases('  - name: a', '    steps:', `      - run: ${long}`));
    expect(plan.phases[0]?.steps[0]?.name).toBe(`run: ${'x'.repeat(57)}...`);
  });
});

describe('loadPlanFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a file and records its absolute path and directory', () => {
    const file = join(dir, 'rollgate.yaml');
    writeFileSync(file, chainPlan);
    const plan = loadPlanFile(file, { stepKinds: stepSchemas });
    expect(plan.file).toBe(file);
    expect(plan.dir).toBe(dir);
  });

  it('a missing file is INVALID_INPUT with a hint', () => {
    try {
      loadPlanFile(join(dir, 'nope.yaml'), { stepKinds: stepSchemas });
      expect.fail('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(RollgateError);
      expect(e).not.toBeInstanceOf(ValidationError);
      expect((e as RollgateError).exitCode).toBe(2);
      expect((e as Error).message).toMatch(/cannot read plan .*nope\.yaml: ENOENT .*rollgate init/);
    }
  });

  it('problems of a file outside the working directory name it by absolute path', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'app: shop\n');
    try {
      loadPlanFile(file, { stepKinds: stepSchemas });
      expect.fail('expected an error');
    } catch (e) {
      expect((e as ValidationError).problems[0]?.file).toBe(file);
    }
  });
});
