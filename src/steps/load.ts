// `load: {url, rate, duration, connections}`: sends synthetic traffic with autocannon, e.g. while a
// canary is analysed and no real traffic arrives. Its figures (requests, errors, p50/p95/p99) are
// recorded as evidence (`load.result`) like any other measurement.

import type autocannon from 'autocannon';
import { z } from 'zod';
import { durationSchema } from '../plan/schema/common.js';
import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import { defineStepKind } from './step-kind.js';

const loadSchema = z.strictObject({
  url: z.string().min(1).meta({ description: 'URL to send GET requests to' }),
  rate: z
    .number()
    .positive()
    .optional()
    .meta({ description: 'Requests per second over all connections (default: as fast as possible)' }),
  duration: durationSchema.default('30s').meta({ description: 'How long to send traffic' }),
  connections: z.number().int().min(1).max(1000).default(10),
});

export type LoadParams = z.output<typeof loadSchema>;

export interface LoadResult {
  url: string;
  durationMs: number;
  requests: number;
  /** Non-2xx answers plus requests that failed (connection errors, timeouts). */
  errors: number;
  non2xx: number;
  failed: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  requestsPerSecond: number;
}

export const loadStep = defineStepKind<LoadParams>({
  kind: 'load',
  schema: loadSchema,
  describe: (p) =>
    `load ${p.url} ${p.rate ? `at ${p.rate} req/s ` : ''}for ${p.duration} with ${p.connections} connections`,
  async execute(ctx, p) {
    const durationMs = parseDuration(p.duration) ?? 30_000;
    const result = await runLoad({ ...p, durationMs, signal: ctx.signal });
    await ctx.record('load.result', { ...result, rate: p.rate ?? null, connections: p.connections });
    const summary = `${result.requests} requests, ${result.errors} errors, p95 ${result.latencyMs.p95 ?? '-'}ms`;
    ctx.log(summary);
    if (ctx.signal.aborted) throw new RollgateError('CANCELLED', 'load stopped: step cancelled');
    if (result.requests === 0 || result.errors === result.requests) {
      throw new RollgateError(
        'STEP_FAILED',
        `load on ${result.url}: no request succeeded (${result.requests} sent, ${result.errors} errors); is the address right?`,
      );
    }
    return { summary, data: { ...result } };
  },
});

/** Runs autocannon; stops early when the signal aborts. Latency percentiles come from every answer. */
export async function runLoad(o: {
  url: string;
  rate?: number;
  durationMs: number;
  connections: number;
  signal: AbortSignal;
}): Promise<LoadResult> {
  // loaded when load runs: autocannon takes ~150 ms to import, which every other command would pay
  const { default: startAutocannon } = await import('autocannon');
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const started = Date.now();
    let instance: autocannon.Instance;
    try {
      instance = startAutocannon(
        {
          url: o.url,
          connections: o.connections,
          duration: Math.max(1, Math.round(o.durationMs / 1000)),
          ...(o.rate !== undefined && { overallRate: o.rate }),
          timeout: 10,
        },
        (err, res) => {
          o.signal.removeEventListener('abort', onAbort);
          if (err) {
            reject(
              new RollgateError('STEP_FAILED', `load on ${o.url} could not run: ${err.message}`, {
                cause: err,
              }),
            );
            return;
          }
          const failed = res.errors; // autocannon counts timeouts among errors
          const requests = latencies.length + failed;
          const durationMs = Date.now() - started;
          latencies.sort((a, b) => a - b);
          resolve({
            url: o.url,
            durationMs,
            requests,
            errors: res.non2xx + failed,
            non2xx: res.non2xx,
            failed,
            latencyMs: {
              p50: percentile(latencies, 0.5),
              p95: percentile(latencies, 0.95),
              p99: percentile(latencies, 0.99),
            },
            requestsPerSecond: Math.round((requests / Math.max(1, durationMs)) * 1000 * 10) / 10,
          });
        },
      );
    } catch (err) {
      reject(
        new RollgateError('STEP_FAILED', `load on ${o.url} could not start: ${(err as Error).message}`, {
          cause: err,
        }),
      );
      return;
    }
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
    const onAbort = () => instance.stop();
    o.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Nearest-rank percentile of sorted values, rounded to 0.1 ms. */
function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  return Math.round(v * 10) / 10;
}
