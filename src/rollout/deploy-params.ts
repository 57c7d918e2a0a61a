// The `deploy:` step parameters (zod, strict) and the resolved options every strategy receives.

import { z } from 'zod';
import type { ReleaseStatusFull, ServiceSpec } from '../agent/types.js';
import { durationSchema, portSchema } from '../plan/schema/common.js';
import type { GateConfig } from '../plan/types.js';
import type { Analyzer } from './analysis-hook.js';
import type { BackgroundAnalysis } from './background-analysis.js';
import type { RolloutSession } from './rollout-session.js';

export const analysisRefSchema = z
  .union([z.string(), z.strictObject({ gate: z.string(), duration: durationSchema.optional() })])
  .meta({ description: 'A gate name, or {gate, duration} (default duration 1m)' });

export const canaryStepSchema = z.union([
  z.strictObject({
    setWeight: z.number().int().min(0).max(100).meta({ description: 'Percent of traffic to the canary' }),
  }),
  z.strictObject({
    pause: z
      .union([durationSchema, z.strictObject({})])
      .meta({ description: 'A duration, or {} to wait for `rollgate promote`' }),
  }),
  z.strictObject({
    analyze: z
      .strictObject({ gate: z.string(), duration: durationSchema })
      .meta({ description: 'Run a gate over a window' }),
  }),
]);

export const deployParamsSchema = z.strictObject({
  strategy: z.enum(['rolling', 'blueGreen', 'canary']),
  steps: z
    .array(canaryStepSchema)
    .optional()
    .meta({ description: 'canary: setWeight / pause / analyze steps' }),
  maxSurge: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'rolling: extra instances during the update (default 1)' }),
  maxUnavailable: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'rolling: instances that may be missing during the update (default 0)' }),
  previewListen: portSchema
    .optional()
    .meta({ description: 'blueGreen: port serving the new release before the switch' }),
  scaleDownDelay: durationSchema
    .optional()
    .meta({ description: 'blueGreen: old release kept running this long (default 30s)' }),
  autoPromote: z
    .boolean()
    .optional()
    .meta({ description: 'blueGreen: switch without `rollgate promote` (default true)' }),
  prePromotionAnalysis: analysisRefSchema.optional(),
  postPromotionAnalysis: analysisRefSchema.optional(),
  // Measured while the new release takes traffic (canary and rolling: from the first weight above 0
  // until promotion; blueGreen: after the switch, through postPromotionAnalysis and most of
  // scaleDownDelay); see background-analysis.ts. No .meta description: schema.json and the README
  // reference are generated from it and owned by the lead.
  background: z.strictObject({ gate: z.string() }).optional(),
});

export type DeployParams = z.output<typeof deployParamsSchema>;
export type CanaryStep = z.output<typeof canaryStepSchema>;

export interface StrategyInput {
  session: RolloutSession;
  params: DeployParams;
  service: ServiceSpec;
  stable: ReleaseStatusFull;
  healthDeadlineMs: number;
  analyzer: Analyzer;
  gates: Record<string, GateConfig>;
  home: string;
  retain: number;
  /** `background:` analysis; strategies start() it when the new release takes traffic and finish() it before the rollout ends. */
  background: BackgroundAnalysis;
}
