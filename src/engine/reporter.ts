// What the engine tells whoever watches a run (the CLI's renderers, the server's SSE): every stored
// event, and step output lines. Both are already redacted.

import type { PlanStep } from '../plan/types.js';
import type { EventRecord } from '../store/store.js';

export interface RunReporter {
  event(e: EventRecord): void;
  log(step: Pick<PlanStep, 'key' | 'name'>, line: string): void;
  notice(message: string): void;
}

export const silentReporter: RunReporter = { event() {}, log() {}, notice() {} };
