// `approve: {timeout?}`: pauses mid-plan until a person runs `rollgate approve RUN_ID` (or reject).

import { z } from 'zod';
import { durationSchema } from '../plan/schema/common.js';
import { parseDuration } from '../shared/duration.js';
import { defineStepKind } from './step-kind.js';

const approveSchema = z
  .strictObject({
    timeout: durationSchema.optional().meta({ description: 'Fail the step when nobody decides in time' }),
    reason: z.string().optional(),
  })
  .nullable()
  .transform((v) => v ?? {});

export const approveStep = defineStepKind<z.output<typeof approveSchema>>({
  kind: 'approve',
  schema: approveSchema,
  describe: (p) => `wait for approval${p.timeout ? ` (timeout ${p.timeout})` : ''}`,
  async execute(ctx, p) {
    const decision = await ctx.waitForApproval({
      reason: p.reason ?? ctx.stepName,
      timeoutMs: p.timeout ? parseDuration(p.timeout) : undefined,
    });
    return {
      summary: `approved by ${decision.user}`,
      data: { approvedBy: decision.user, comment: decision.comment },
    };
  },
});
