// How report figures are written for people: durations, percentages, p-values, bytes. Shared by
// the markdown and html renderers so both show the same text for the same figure.

import { formatDuration } from '../shared/duration.js';

export function fmtNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(1);
  if (abs >= 1) return String(Number(n.toFixed(2)));
  return String(Number(n.toPrecision(3)));
}

export function fmtMs(ms: number): string {
  return formatDuration(ms);
}

/** A latency figure already in milliseconds, keeping sub-ms precision. */
export function fmtLatency(ms: number): string {
  return ms < 1000 ? `${fmtNumber(ms)}ms` : formatDuration(ms);
}

export function fmtPercent(fraction: number): string {
  return `${fmtNumber(Math.round(fraction * 100 * 1000) / 1000)}%`;
}

export function fmtSignedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞' : '-∞';
  const p = fmtPercent(fraction);
  return fraction > 0 ? `+${p}` : p;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)}KiB`;
  return `${(n / 1024 ** 2).toFixed(1)}MiB`;
}
