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

// Each kind has its own parameter type; the engine only ever passes a kind the params its own
// schema produced, so the registry holds them type-erased.
const erase = <P>(kind: StepKind<P>) => kind as unknown as StepKind<unknown>;

const kinds: StepKind<unknown>[] = [
  erase(runStep),
  erase(checkStep),
  erase(httpStep),
  erase(waitStep),
  erase(approveStep),
  erase(notifyStep),
  erase(migrateStep),
  erase(deployStep),
  erase(gateStep),
  erase(loadStep),
];

export const stepKinds: ReadonlyMap<string, StepKind<unknown>> = new Map(kinds.map((k) => [k.kind, k]));

export const stepSchemas: StepSchemas = Object.fromEntries(kinds.map((k) => [k.kind, k.schema]));
