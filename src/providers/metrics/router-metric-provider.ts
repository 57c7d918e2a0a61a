// Metric provider `router`: the agent's per-release traffic windows (requests, errors, latency
// percentiles and raw latency samples), read through the agent client.

import { RollgateError } from '../../shared/errors.js';
import type { MetricProvider, MetricQuery, MetricReading } from './metric-provider.js';

/** The slice of the agent client's ReleaseWindowMetrics this provider reads (src/agent/client.ts). */
export interface RouterWindow {
  version: string;
  from: number;
  to: number;
  requests: number;
  errors: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  samples: number[];
}

export type FetchReleaseMetrics = (
  home: string,
  environment: string,
  range: { from: number; to: number },
) => Promise<RouterWindow[]>;

export const routerQueries = [
  'error_rate',
  'request_rate',
  'requests',
  'errors',
  'latency',
  'latency_p50',
  'latency_p95',
  'latency_p99',
] as const;
export type RouterQuery = (typeof routerQueries)[number];

/** Error rates are judged on 0/1 samples; above this many requests they are scaled down in proportion. */
const maxBinarySamples = 20_000;

export function createRouterMetricProvider(fetchMetrics: FetchReleaseMetrics = defaultFetch): MetricProvider {
  return {
    name: 'router',
    async read(q: MetricQuery): Promise<MetricReading> {
      const query = q.query.trim() as RouterQuery;
      if (!routerQueries.includes(query)) {
        throw new RollgateError(
          'INVALID_PLAN',
          `router metric ${q.metric.name}: unknown query "${q.query}"; expected one of ${routerQueries.join(', ')}`,
        );
      }
      let windows: RouterWindow[];
      try {
        windows = await fetchMetrics(q.home, q.environment, q.range);
      } catch (err) {
        throw new RollgateError(
          'AGENT_ERROR',
          `router metrics unavailable: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      const w = windows.find((x) => x.version === q.version);
      if (!w || w.requests === 0) {
        return { value: null, sampleCount: 0, samples: [], details: { requests: 0, version: q.version } };
      }
      const details = { requests: w.requests, errors: w.errors, from: w.from, to: w.to };
      switch (query) {
        case 'error_rate':
          return {
            value: w.errors / w.requests,
            sampleCount: w.requests,
            samples: binarySamples(w.errors, w.requests),
            details,
          };
        case 'errors':
          return { value: w.errors, sampleCount: w.requests, samples: [], details };
        case 'requests':
          return { value: w.requests, sampleCount: w.requests, samples: [], details };
        case 'request_rate': {
          const seconds = Math.max(0.001, (w.to - w.from) / 1000);
          return { value: w.requests / seconds, sampleCount: w.requests, samples: [], details };
        }
        case 'latency':
          return { value: w.latencyMs.p50, sampleCount: w.samples.length, samples: w.samples, details };
        default: {
          const key = query.slice('latency_'.length) as 'p50' | 'p95' | 'p99';
          return { value: w.latencyMs[key], sampleCount: w.requests, samples: w.samples, details };
        }
      }
    },
  };
}

function binarySamples(errors: number, requests: number): number[] {
  const scale = requests > maxBinarySamples ? maxBinarySamples / requests : 1;
  const n = Math.round(requests * scale);
  const e = Math.round(errors * scale);
  return Array.from({ length: n }, (_, i) => (i < e ? 1 : 0));
}

// why: imported lazily so that analysis code and its tests load without the agent program
async function defaultFetch(
  home: string,
  environment: string,
  range: { from: number; to: number },
): Promise<RouterWindow[]> {
  const client = await import('../../agent/client.js');
  return client.fetchReleaseMetrics(home, environment, range);
}
