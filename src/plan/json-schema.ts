// The JSON Schema of rollgate.yaml, generated from the zod schema (the single source).

import { z } from 'zod';
import { buildPlanSchema } from './schema/plan.js';
import type { StepSchemas } from './schema/step.js';

export function planJsonSchema(stepKinds: StepSchemas): Record<string, unknown> {
  const schema = z.toJSONSchema(buildPlanSchema(stepKinds), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return { ...schema, $id: 'https://rollgate.dev/schema.json' };
}
