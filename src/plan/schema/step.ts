// A step: exactly one key naming its kind (run, check, http, …) plus the common options.
// The kinds' schemas are passed in (they live with their executors in src/steps), so this module
// imports nothing from the rest of the project.

import { z } from 'zod';
import { durationSchema } from './common.js';

export type StepSchemas = Record<string, z.ZodType>;

export const stepCommonShape = {
  name: z.string().optional().meta({ description: 'Label shown in progress and reports' }),
  timeout: durationSchema
    .optional()
    .meta({ description: 'Kills the step (its whole process group) after this long' }),
  retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .optional()
    .meta({ description: 'Extra attempts, with exponential backoff' }),
  continueOnError: z
    .boolean()
    .optional()
    .meta({ description: 'A failure is recorded but does not stop the phase' }),
};

export const stepCommonKeys = Object.keys(stepCommonShape);

/** One strict object per kind, e.g. {run: …, name?, timeout?, …}. */
export function buildStepVariants(kinds: StepSchemas): Record<string, z.ZodObject> {
  const variants: Record<string, z.ZodObject> = {};
  for (const [kind, schema] of Object.entries(kinds)) {
    variants[kind] = z.strictObject({ [kind]: schema, ...stepCommonShape });
  }
  return variants;
}

export function buildStepSchema(kinds: StepSchemas): z.ZodType {
  const variants = Object.values(buildStepVariants(kinds));
  if (variants.length === 0) throw new Error('no step kinds registered');
  return z.union(variants as [z.ZodObject, ...z.ZodObject[]]).meta({
    description: `A step: one of ${Object.keys(kinds).join(', ')}, plus name/timeout/retries/continueOnError`,
  });
}
