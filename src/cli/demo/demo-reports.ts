// Writes the go/no-go reports of a demo run when the report module is available.

import type { Store } from '../../store/store.js';

export async function writeRunReports(store: Store, runId: string, dir: string): Promise<string[]> {
  void store;
  void runId;
  void dir;
  return [];
}
