// Small schema pieces shared by the plan language: durations, ports, names.

import { z } from 'zod';
import { durationHint, parseDuration } from '../../shared/duration.js';

/** A duration string like 500ms, 2s, 5m; kept as text in the plan, parsed where used. */
export const durationSchema = z
  .string({ error: `expected ${durationHint}` })
  .refine((s) => parseDuration(s) !== undefined, {
    error: (iss) => `invalid duration ${JSON.stringify(iss.input)}: expected ${durationHint}`,
  })
  .meta({ description: `Duration, e.g. 500ms, 2s, 5m, 1h`, pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$' });

export const portSchema = z.number({ error: 'expected a port number' }).int().min(1).max(65535);

export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'expected a name of letters, digits, ".", "_" or "-"' });

export const stringMapSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);
