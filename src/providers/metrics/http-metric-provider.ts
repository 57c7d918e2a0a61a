// Metric provider `http`: GET a JSON document (metric.url) and read the field named by the query,
// a path such as `stats.errors.rate`, `$.items[0].value` or `latencies` (an array becomes samples).

import { RollgateError } from '../../shared/errors.js';
import {
  type MetricProvider,
  type MetricQuery,
  type MetricReading,
  readingFromJson,
} from './metric-provider.js';

const requestTimeoutMs = 10_000;

export function createHttpMetricProvider(): MetricProvider {
  return {
    name: 'http',
    async read(q: MetricQuery): Promise<MetricReading> {
      if (!q.url)
        throw new RollgateError(
          'INVALID_PLAN',
          `http metric ${q.metric.name}: set url to the JSON document to read`,
        );
      let res: Response;
      try {
        res = await fetch(q.url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.any([q.signal, AbortSignal.timeout(requestTimeoutMs)]),
        });
      } catch (err) {
        throw new RollgateError(
          'STEP_FAILED',
          `GET ${safeUrl(q.url)} failed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      if (!res.ok) throw new RollgateError('STEP_FAILED', `GET ${safeUrl(q.url)} answered ${res.status}`);
      let doc: unknown;
      try {
        doc = await res.json();
      } catch (err) {
        throw new RollgateError('STEP_FAILED', `GET ${safeUrl(q.url)} did not answer JSON`, { cause: err });
      }
      const field = readPath(doc, q.query);
      if (field === undefined)
        return { value: null, sampleCount: 0, samples: [], details: { path: q.query, found: false } };
      const reading = readingFromJson(field);
      if (!reading) {
        throw new RollgateError(
          'STEP_FAILED',
          `GET ${safeUrl(q.url)}: field ${q.query} is ${JSON.stringify(field).slice(0, 80)}, not a number`,
        );
      }
      return reading;
    },
  };
}

/** Reads a.b[0].c (optionally starting with $. ) from a JSON value; undefined when absent. */
export function readPath(doc: unknown, path: string): unknown {
  const trimmed = path.trim().replace(/^\$\.?/, '');
  if (trimmed === '') return doc;
  const parts = trimmed.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = doc;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** The URL without credentials or query string (which may hold tokens), for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
