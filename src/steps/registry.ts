// The one place step kinds are registered. A new kind is one file in src/steps plus one line here.

import type { StepSchemas } from '../plan/schema/step.js';
import { approveStep } from './approve.js';
import { checkStep } from './check.js';
import { deployStep } from './deploy.js';
import { gateStep } from './gate.js';
import { httpStep } from './http.js';
import { loadStep } from './load.js';
import { migrateStep } from './migrate.js';
import { notifyStep } from './notify.js';
import { runStep } from './run.js';
import type { StepKind } from './step-kind.js';
import { waitStep } from './wait.js';

// why: kinds have different parameter types; the engine only passes each its own validated params.
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous registry, see above
const kinds: StepKind<any>[] = [
  runStep,
  checkStep,
  httpStep,
  waitStep,
  approveStep,
  notifyStep,
  migrateStep,
  deployStep,
  gateStep,
  loadStep,
];

export const stepKinds: ReadonlyMap<string, StepKind<unknown>> = new Map(kinds.map((k) => [k.kind, k]));

export const stepSchemas: StepSchemas = Object.fromEntries(kinds.map((k) => [k.kind, k.schema]));
