// The JSON Schema editors use: generated from the zod schema, and schema.json at the repo root
// must be exactly what `rollgate schema` prints today.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../src/plan/json-schema.js';
import { stepSchemas } from '../../src/steps/registry.js';

const root = join(import.meta.dirname, '..', '..');

describe('planJsonSchema', () => {
  const schema = planJsonSchema(stepSchemas) as {
    $id: string;
    $schema: string;
    required: string[];
    properties: Record<string, unknown>;
    additionalProperties: boolean;
  };

  it('is a draft 2020-12 schema with an $id, requiring app, environments and phases', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://rollgate.dev/schema.json');
    expect([...schema.required].sort()).toEqual(['app', 'environments', 'phases']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'app',
        'service',
        'environments',
        'phases',
        'gates',
        'rollback',
        'notify',
        'claims',
      ]),
    );
    expect(schema.additionalProperties).toBe(false);
  });

  it('offers every registered step kind', () => {
    const text = JSON.stringify(schema);
    for (const kind of Object.keys(stepSchemas)) expect(text).toContain(`"required":["${kind}"]`);
  });

  it('durations carry the pattern the loader accepts', () => {
    expect(JSON.stringify(schema)).toContain('"pattern":"^(\\\\d+(\\\\.\\\\d+)?(ms|s|m|h|d))+$"');
  });
});

describe('schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` when this fails)', () => {
    const expected = `${JSON.stringify(planJsonSchema(stepSchemas), null, 2)}\n`;
    let actual: string;
    try {
      actual = readFileSync(join(root, 'schema.json'), 'utf8');
    } catch {
      expect.fail('schema.json is missing at the repository root: run `npm run schema` and commit it');
    }
    if (actual !== expected) {
      expect.fail(
        'schema.json is stale: the plan schema or the registered step kinds changed. Run `npm run schema` (or `node --import tsx src/cli/main.ts schema > schema.json`) and commit schema.json',
      );
    }
  });
});
