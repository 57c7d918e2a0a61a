// Metric provider `prometheus`: PromQL through the HTTP API. Threshold metrics use an instant query
// at the end of the window; the judge uses a range query over the window and takes every point as
// a sample. A query must come down to one series (aggregate it) for a threshold.

import { RollgateError } from '../../shared/errors.js';
import type { MetricProvider, MetricQuery, MetricReading } from './metric-provider.js';

const requestTimeoutMs = 10_000;
/** Prometheus refuses more than 11,000 points per series; stay well under. */
const maxPoints = 1000;

interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: 'vector' | 'matrix' | 'scalar' | 'string'; result: unknown };
}

type Sample = [number, string];

export function createPrometheusMetricProvider(): MetricProvider {
  return {
    name: 'prometheus',
    async read(q: MetricQuery): Promise<MetricReading> {
      const base = q.url ?? process.env.ROLLGATE_PROMETHEUS_URL;
      if (!base) {
        throw new RollgateError(
          'INVALID_PLAN',
          `prometheus metric ${q.metric.name}: set url (e.g. http://127.0.0.1:9090) or ROLLGATE_PROMETHEUS_URL`,
        );
      }
      if (q.metric.judge) {
        const start = q.range.from / 1000;
        const end = Math.max(start, q.range.to / 1000);
        const step = Math.max(1, Math.ceil((end - start) / maxPoints));
        const data = await call(
          base,
          'query_range',
          { query: q.query, start: String(start), end: String(end), step: `${step}s` },
          q.signal,
        );
        const series = data.result as { metric: Record<string, string>; values: Sample[] }[];
        const samples = series.flatMap((s) => s.values.map((v) => Number(v[1]))).filter(Number.isFinite);
        return {
          value: samples.length ? (samples[samples.length - 1] as number) : null,
          sampleCount: samples.length,
          samples,
          details: { series: series.length, step },
        };
      }
      const data = await call(base, 'query', { query: q.query, time: String(q.range.to / 1000) }, q.signal);
      if (data.resultType === 'scalar') {
        const v = Number((data.result as Sample)[1]);
        return Number.isFinite(v)
          ? { value: v, sampleCount: 1, samples: [v] }
          : { value: null, sampleCount: 0, samples: [] };
      }
      if (data.resultType !== 'vector') {
        throw new RollgateError(
          'STEP_FAILED',
          `prometheus metric ${q.metric.name}: query returned a ${data.resultType}; expected an instant vector or scalar`,
        );
      }
      const series = data.result as { metric: Record<string, string>; value: Sample }[];
      if (series.length === 0) return { value: null, sampleCount: 0, samples: [], details: { series: 0 } };
      if (series.length > 1) {
        throw new RollgateError(
          'STEP_FAILED',
          `prometheus metric ${q.metric.name}: query returned ${series.length} series; aggregate it to one (e.g. sum(...) or max(...))`,
        );
      }
      const v = Number((series[0] as { value: Sample }).value[1]);
      // NaN is what PromQL answers for 0/0, e.g. an error ratio with no requests: that is no data
      if (!Number.isFinite(v))
        return { value: null, sampleCount: 0, samples: [], details: { series: 1, raw: String(v) } };
      return { value: v, sampleCount: 1, samples: [v], details: { series: 1 } };
    },
  };
}

async function call(
  base: string,
  api: 'query' | 'query_range',
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<NonNullable<PromResponse['data']>> {
  const url = new URL(`api/v1/${api}`, base.endsWith('/') ? base : `${base}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
    });
  } catch (err) {
    throw new RollgateError(
      'STEP_FAILED',
      `prometheus at ${url.origin} did not answer: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  let body: PromResponse;
  try {
    body = (await res.json()) as PromResponse;
  } catch (err) {
    throw new RollgateError(
      'STEP_FAILED',
      `prometheus at ${url.origin} answered ${res.status} without JSON`,
      { cause: err },
    );
  }
  if (body.status !== 'success' || !body.data) {
    throw new RollgateError(
      'STEP_FAILED',
      `prometheus rejected the query (${body.errorType ?? res.status}): ${body.error ?? 'no reason given'}`,
    );
  }
  return body.data;
}
