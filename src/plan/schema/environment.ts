// `environments.<name>`: where a release goes (target), whether a person must approve, and vars.

import { z } from 'zod';
import { portSchema, stringMapSchema } from './common.js';

export const localTargetSchema = z
  .strictObject({
    kind: z.literal('local'),
    listen: portSchema.meta({ description: 'Port the built-in router listens on' }),
    host: z.string().default('127.0.0.1'),
    previewListen: portSchema
      .optional()
      .meta({ description: 'Port that serves the new release only (blue-green preview)' }),
    metricsListen: portSchema.optional().meta({ description: 'Port of the Prometheus /metrics endpoint' }),
    sticky: z
      .boolean()
      .optional()
      .meta({ description: 'Keep each client on one release by cookie while traffic is split (canary)' }),
  })
  .meta({ description: 'Run on this machine under the local rollgate agent' });

export const targetSchema = localTargetSchema;

export const approvalSchema = z.strictObject({
  required: z.boolean().default(false),
  timeout: z.string().optional(),
});

export const environmentSchema = z.strictObject({
  target: targetSchema.optional(),
  approval: approvalSchema.optional(),
  vars: stringMapSchema.optional(),
});

export type TargetConfig = z.output<typeof targetSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
