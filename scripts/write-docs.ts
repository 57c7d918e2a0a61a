// Rewrites the configuration reference in README.md from the schema (npm run docs).

import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference } from '../src/plan/config-reference.js';
import { planJsonSchema } from '../src/plan/json-schema.js';
import { stepSchemas } from '../src/steps/registry.js';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const next = readme.replace(
  /(<!-- config-reference:start -->\n)[\s\S]*?(<!-- config-reference:end -->)/,
  (_m, start: string, end: string) => `${start}${renderConfigReference(planJsonSchema(stepSchemas))}${end}`,
);
writeFileSync(file, next);
console.log(
  next === readme
    ? 'README.md configuration reference already up to date'
    : 'README.md configuration reference rewritten',
);
