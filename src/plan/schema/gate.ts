// `gates.<name>`: a set of metrics with conditions, judged pass / fail / inconclusive.

import { z } from 'zod';
import { durationSchema } from './common.js';

export const metricSchema = z.strictObject({
  name: z.string(),
  provider: z.enum(['router', 'prometheus', 'http', 'command']),
  query: z.string().meta({ description: 'Provider query: router metric name, PromQL, JSON path or command' }),
  url: z.string().optional().meta({ description: 'prometheus base URL or http document URL' }),
  interval: durationSchema.optional(),
  count: z.number().int().min(1).optional(),
  duration: durationSchema.optional(),
  max: z
    .union([z.number(), z.string()])
    .optional()
    .meta({ description: 'Upper bound; a number, a duration, or a percentage' }),
  min: z.union([z.number(), z.string()]).optional(),
  judge: z.literal('mann-whitney').optional(),
  direction: z.enum(['increase', 'decrease', 'either']).optional(),
  confidence: z.number().gt(0).lt(1).optional(),
  tolerance: z.union([z.number(), z.string()]).optional(),
  minSamples: z.number().int().min(1).optional(),
  failureLimit: z.number().int().min(0).optional(),
  inconclusiveLimit: z.number().int().min(0).optional(),
  consecutiveErrorLimit: z.number().int().min(0).optional(),
  critical: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  weight: z.number().positive().optional(),
});

export const gateSchema = z.strictObject({
  metrics: z.array(metricSchema).min(1),
  passScore: z.number().min(0).max(100).optional(),
  marginalScore: z.number().min(0).max(100).optional(),
  onInconclusive: z.enum(['pause', 'fail']).optional(),
});

export type MetricConfig = z.output<typeof metricSchema>;
export type GateConfig = z.output<typeof gateSchema>;
