// Durations in plans and flags: strings like 500ms, 2s, 5m, 1h, or 1m30s. Parsed to milliseconds.

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const partPattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export const durationHint = 'a duration such as 500ms, 2s, 5m or 1h';

/** Returns milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) return undefined;
  let total = 0;
  for (const m of trimmed.matchAll(partPattern)) {
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
  }
  return Math.round(total);
}

/** Short human form: 250ms, 1.50s, 12.3s, 2m, 1m30s. Rounding never shows "60s" or "1000ms". */
export function formatDuration(ms: number): string {
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms`;
  const seconds = ms / 1000;
  if (Number(seconds.toFixed(2)) < 10) return `${seconds.toFixed(2)}s`;
  if (Number(seconds.toFixed(1)) < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return s === 0 ? `${m}m` : `${m}m${s}s`;
}
