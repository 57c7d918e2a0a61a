// `wait: 30s`: pauses the phase; cancellable.

import { setTimeout as sleep } from 'node:timers/promises';
import { durationSchema } from '../plan/schema/common.js';
import { parseDuration } from '../shared/duration.js';
import { abortError } from './process-runner.js';
import { defineStepKind } from './step-kind.js';

export const waitStep = defineStepKind<string>({
  kind: 'wait',
  schema: durationSchema,
  describe: (d) => `wait ${d}`,
  async execute(ctx, d) {
    const ms = parseDuration(d) ?? 0;
    // A zero wait is a no-op: even setTimeout(0) costs a timer tick.
    if (ms === 0) return { summary: 'no wait' };
    try {
      await sleep(ms, undefined, { signal: ctx.signal });
    } catch {
      throw abortError(ctx.signal);
    }
    return { summary: `waited ${d}` };
  },
});
