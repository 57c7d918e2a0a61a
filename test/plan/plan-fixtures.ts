// Shared helpers for plan tests: load text with the registered step kinds and read back problems
// as "LINE:COL message" so tests can assert exact positions.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: plans contain ${{ }} expressions on purpose

import { join } from 'node:path';
import { expect } from 'vitest';
import { loadPlanText } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { type SourceProblem, ValidationError } from '../../src/shared/errors.js';
import { stepSchemas } from '../../src/steps/registry.js';

/** A plan file inside the working directory, so problems name it relatively. */
export const planFile = join(process.cwd(), 'rollgate.yaml');

export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

export function load(text: string): Plan {
  return loadPlanText(text, planFile, { stepKinds: stepSchemas });
}

/** The problems of an invalid plan; fails the test when the plan loads or throws anything else. */
export function problemsOf(text: string): SourceProblem[] {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  expect.fail('expected the plan to be rejected');
}

/** Problems as "LINE:COL message" lines. */
export function located(text: string): string[] {
  return problemsOf(text).map((p) => `${p.line}:${p.col} ${p.message}`);
}

export const validPlan = lines(
  '# yaml-language-server: $schema=./schema.json',
  'app: shop',
  'service:',
  '  start: node server.js',
  '  instances: 2',
  '  health: { http: /healthz, interval: 1s, timeout: 500ms }',
  'environments:',
  '  staging: { target: { kind: local, listen: 8080 } }',
  '  production:',
  '    target: { kind: local, listen: 8081 }',
  '    approval: { required: true }',
  '    vars: { REGION: eu-west-1, REPLICAS: 3 }',
  'phases:',
  '  - name: preflight',
  '    steps:',
  '      - check: { env: [DATABASE_URL], tcp: ["127.0.0.1:5432"] }',
  '      - run: npm test',
  '        name: unit tests',
  '        timeout: 2m',
  '        retries: 2',
  '        continueOnError: true',
  '  - name: build',
  '    parallel: true',
  '    steps:',
  '      - run: { command: "npm run build", env: { NODE_ENV: production } }',
  '      - http: { url: "http://127.0.0.1:8080/healthz", status: 200 }',
  '  - name: release',
  '    needs: [preflight, build]',
  '    steps:',
  '      - approve: { reason: "release ${{ version }} to ${{ environment }}" }',
  '      - wait: 1m30s',
  '      - notify: { webhook: "${{ secrets.SLACK_URL }}", text: "released" }',
  'gates:',
  '  slo:',
  '    metrics:',
  '      - { name: error-rate, provider: router, query: error_rate, max: 0.01 }',
  '      - { name: latency, provider: router, judge: mann-whitney, query: latency, tolerance: 10% }',
  'rollback:',
  '  on: [health, gate]',
  '  hooks:',
  '    - run: redis-cli FLUSHDB',
  'notify:',
  '  - webhook: "${{ secrets.SLACK_URL }}"',
  '    on: [run.failed]',
  'claims:',
  '  - p95 < 200ms',
  '  - { claim: error rate < 1% }',
);

/** A tiny valid plan: phases a, b (needs a), c (needs b). */
export const chainPlan = lines(
  'app: shop',
  'environments:',
  '  staging: { target: { kind: local, listen: 8080 } }',
  'phases:',
  '  - name: a',
  '    steps:',
  '      - run: echo a',
  '  - name: b',
  '    needs: [a]',
  '    steps:',
  '      - run: echo b',
  '        timeout: 5s',
  '  - name: c',
  '    needs: [b]',
  '    steps:',
  '      - wait: 1s',
);
