// What most commands need: the global options, $ROLLGATE_HOME, the store, and the loaded plan.
// Heavy modules (the store drivers) are imported lazily so `validate` stays fast.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPlanFile } from '../plan/load-plan.js';
import type { Plan } from '../plan/types.js';
import { stepSchemas } from '../steps/registry.js';
import type { Store } from '../store/store.js';
import type { GlobalOptions } from './action.js';

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { file?: string; json?: boolean };
  return { file: o.file ?? 'rollgate.yaml', json: o.json === true };
}

export function rollgateHome(): string {
  return resolve(process.env.ROLLGATE_HOME ?? '.rollgate');
}

export async function openStore(): Promise<Store> {
  const { createStore } = await import('../store/create-store.js');
  return createStore({ home: rollgateHome(), databaseUrl: process.env.ROLLGATE_DATABASE_URL });
}

export function loadPlan(file: string): Plan {
  return loadPlanFile(file, { stepKinds: stepSchemas });
}

/** Opens the store, runs `body`, and always closes the store. */
export async function withStore<T>(body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** Collects repeated flags such as --var a=1 --var b=2. */
export function collectFlag(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
