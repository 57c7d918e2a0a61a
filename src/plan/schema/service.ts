// The `service` section: how to start one instance of the app and how to tell it is healthy.
// The data plane (agent) reads it; the plan validates it.

import { z } from 'zod';
import { durationSchema } from './common.js';

export const healthSchema = z
  .strictObject({
    http: z
      .string()
      .optional()
      .meta({ description: 'HTTP path probed on each instance, e.g. /healthz (2xx = healthy)' }),
    tcp: z
      .boolean()
      .optional()
      .meta({ description: 'Probe by opening a TCP connection to the instance port' }),
    command: z.string().optional().meta({ description: 'Shell command; exit 0 = healthy. PORT is set.' }),
    interval: durationSchema.default('1s'),
    timeout: durationSchema.default('500ms'),
    healthyAfter: z.number().int().min(1).default(2),
    unhealthyAfter: z.number().int().min(1).default(3),
    startTimeout: durationSchema
      .optional()
      .meta({ description: 'How long a new instance may take to become healthy before the deploy fails' }),
  })
  .meta({ description: 'Health check of each instance; exactly one of http, tcp, command (default: tcp)' });

export const serviceSchema = z
  .strictObject({
    start: z.string().meta({
      description: 'Shell command that starts one instance; PORT and ROLLGATE_VERSION are injected',
    }),
    cwd: z.string().optional().meta({ description: 'Working directory, relative to the plan file' }),
    env: z.record(z.string(), z.string()).optional(),
    instances: z.number().int().min(1).default(1),
    health: healthSchema.optional(),
    drain: durationSchema.default('10s').meta({ description: 'Grace time between SIGTERM and SIGKILL' }),
    retain: z
      .number()
      .int()
      .min(1)
      .default(3)
      .meta({ description: 'Old releases kept for instant rollback' }),
  })
  .meta({ description: 'The app process Rollgate supervises' });

export type ServiceConfig = z.output<typeof serviceSchema>;
export type HealthConfig = z.output<typeof healthSchema>;
