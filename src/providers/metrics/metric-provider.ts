// The one interface every metric source implements (router, prometheus, http, command): read a
// value and, where the source has them, raw observations, for one release over one time range.

import type { MetricConfig } from '../../plan/types.js';

export type ReleaseRole = 'canary' | 'stable';

export interface MetricQuery {
  metric: MetricConfig;
  /** metric.query with {{version}}, {{role}}, {{environment}}, {{from}}, {{to}} filled in. */
  query: string;
  /** metric.url with the same placeholders filled in. */
  url?: string;
  role: ReleaseRole;
  version: string;
  environment: string;
  /** $ROLLGATE_HOME, absolute. */
  home: string;
  /** Epoch ms; the window the reading must cover. */
  range: { from: number; to: number };
  signal: AbortSignal;
}

export interface MetricReading {
  /** The value compared with max/min; null when there was nothing to measure. */
  value: number | null;
  /** How many observations the value rests on (requests, points, …); checked against minSamples. */
  sampleCount: number;
  /** Raw observations for the statistical judge; empty when the source has none. */
  samples: number[];
  /** Small facts worth keeping as evidence (never secrets). */
  details?: Record<string, unknown>;
}

export interface MetricProvider {
  readonly name: string;
  /** Throws a RollgateError when the source cannot answer; the gate counts it as a provider error. */
  read(q: MetricQuery): Promise<MetricReading>;
}

const placeholder = /\{\{\s*(version|role|environment|from|to)\s*\}\}/g;

/** Fills {{version}} etc. in a query or URL (from/to as epoch seconds, the unit PromQL uses). */
export function fillTemplate(
  text: string,
  v: { version: string; role: ReleaseRole; environment: string; range: { from: number; to: number } },
): string {
  return text.replace(placeholder, (_, key: string) => {
    if (key === 'version') return v.version;
    if (key === 'role') return v.role;
    if (key === 'environment') return v.environment;
    if (key === 'from') return String(Math.floor(v.range.from / 1000));
    return String(Math.floor(v.range.to / 1000));
  });
}

/** Turns a JSON value into a reading: a number, an array of numbers, or {value, samples}. */
export function readingFromJson(doc: unknown): MetricReading | undefined {
  if (typeof doc === 'number' && Number.isFinite(doc)) return { value: doc, sampleCount: 1, samples: [doc] };
  if (doc === null) return { value: null, sampleCount: 0, samples: [] };
  if (Array.isArray(doc)) {
    const nums = doc.map(toNumber);
    if (nums.some((n) => n === undefined)) return undefined;
    const samples = nums as number[];
    return {
      value: samples.length ? (samples[samples.length - 1] as number) : null,
      sampleCount: samples.length,
      samples,
    };
  }
  if (typeof doc === 'string') {
    const n = toNumber(doc);
    return n === undefined ? undefined : { value: n, sampleCount: 1, samples: [n] };
  }
  if (typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    const samples = Array.isArray(o.samples) ? o.samples.map(toNumber) : [];
    if (samples.some((n) => n === undefined)) return undefined;
    const value = o.value === null || o.value === undefined ? null : toNumber(o.value);
    if (value === undefined) return undefined;
    const count =
      typeof o.count === 'number' ? o.count : value === null ? samples.length : Math.max(1, samples.length);
    return { value, sampleCount: count, samples: samples as number[] };
  }
  return undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
