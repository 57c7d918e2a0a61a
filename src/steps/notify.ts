// `notify: {webhook, text}`: sends a message. A failed delivery is recorded, never fails the step.

import { z } from 'zod';
import { createWebhookNotifier } from '../providers/notifiers/webhook-notifier.js';
import { defineStepKind } from './step-kind.js';

const notifySchema = z.strictObject({
  webhook: z.string().min(1),
  text: z.string().optional(),
});

export const notifyStep = defineStepKind<z.output<typeof notifySchema>>({
  kind: 'notify',
  schema: notifySchema,
  describe: (p) => `notify ${p.webhook}${p.text ? `: ${p.text}` : ''}`,
  async execute(ctx, p) {
    const text = p.text ?? `${ctx.app} ${ctx.version} → ${ctx.environment}: ${ctx.stepName}`;
    const result = await createWebhookNotifier({ url: p.webhook }).send(
      {
        event: 'step.notify',
        text,
        data: { runId: ctx.runId, app: ctx.app, version: ctx.version, environment: ctx.environment },
      },
      ctx.signal,
    );
    await ctx.record('notification.sent', { event: 'step.notify', ...result });
    if (!result.ok)
      ctx.log(
        `webhook delivery failed after ${result.attempts} attempts: ${result.error} (recorded; not failing)`,
      );
    return {
      summary: result.ok ? 'delivered' : 'delivery failed (recorded)',
      data: { delivered: result.ok },
    };
  },
});
