// How a gate verdict reads in logs and errors: "gate slo fail: <reason>", without repeating the
// gate's name when the analyzer's reason already starts with it.

import type { AnalysisResult } from './analysis-hook.js';

export function verdictText(gateName: string, result: Pick<AnalysisResult, 'verdict' | 'reason'>): string {
  return result.reason.startsWith(`gate ${gateName} `)
    ? result.reason
    : `gate ${gateName} ${result.verdict}: ${result.reason}`;
}
