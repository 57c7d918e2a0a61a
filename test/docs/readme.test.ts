// The README's configuration reference is generated from the schema; this fails when it is stale.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigReference } from '../../src/plan/config-reference.js';
import { planJsonSchema } from '../../src/plan/json-schema.js';
import { stepSchemas } from '../../src/steps/registry.js';

describe('README configuration reference', () => {
  it('matches the schema (run `npm run docs` to regenerate)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = /<!-- config-reference:start -->\n([\s\S]*?)<!-- config-reference:end -->/.exec(readme);
    expect(m, 'README.md has no config-reference markers').not.toBeNull();
    const expected = renderConfigReference(planJsonSchema(stepSchemas));
    expect(m?.[1], 'README configuration reference is stale: run `npm run docs`').toBe(expected);
  });
});
