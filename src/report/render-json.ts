// JSON rendering of a run report: the report model itself, in which every number is a Cited value
// with the ids of the events it came from.

import type { RunReport } from './report-model.js';

export function renderJson(r: RunReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
