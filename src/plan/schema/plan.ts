// The whole rollgate.yaml language, built from its sections. Zod is the single source: the loader
// validates with it and `rollgate schema` prints its JSON Schema.

import { z } from 'zod';
import { nameSchema } from './common.js';
import { environmentSchema } from './environment.js';
import { gateSchema } from './gate.js';
import { serviceSchema } from './service.js';
import { buildStepSchema, type StepSchemas } from './step.js';

export const rollbackTriggers = ['health', 'gate', 'step-failure'] as const;

export const notifyEvents = [
  'run.started',
  'run.awaiting_approval',
  'analysis.failed',
  'rollout.rolled_back',
  'rollout.promoted',
  'run.succeeded',
  'run.failed',
] as const;

export const notifySchema = z.strictObject({
  webhook: z.string().meta({ description: 'Slack-compatible webhook URL (usually ${{ secrets.X }})' }),
  on: z.array(z.enum(notifyEvents)).optional().meta({ description: 'Events to send; default all' }),
});

export const claimSchema = z.strictObject({
  claim: z
    .string()
    .meta({ description: 'e.g. "p95 < 200ms", "error rate < 1%", "zero failed requests during rollout"' }),
});

export function buildPlanSchema(stepKinds: StepSchemas) {
  const step = buildStepSchema(stepKinds);
  const phase = z.strictObject({
    name: nameSchema,
    needs: z.array(z.string()).default([]).meta({ description: 'Phases that must succeed first' }),
    parallel: z.boolean().default(false).meta({ description: "Run this phase's steps together" }),
    steps: z.array(step).min(1),
  });
  return z
    .strictObject({
      app: nameSchema.meta({ description: 'Name of the application' }),
      service: serviceSchema.optional(),
      environments: z.record(nameSchema, environmentSchema).refine((e) => Object.keys(e).length > 0, {
        error: 'expected at least one environment',
      }),
      phases: z.array(phase).min(1),
      gates: z.record(nameSchema, gateSchema).optional(),
      rollback: z
        .strictObject({
          on: z.array(z.enum(rollbackTriggers)).default([...rollbackTriggers]),
          hooks: z.array(step).default([]),
        })
        .optional(),
      notify: z.array(notifySchema).optional(),
      claims: z.array(z.union([z.string(), claimSchema])).optional(),
    })
    .meta({ title: 'rollgate.yaml', description: 'A Rollgate release plan' });
}

export type RawPlan = z.output<ReturnType<typeof buildPlanSchema>>;
