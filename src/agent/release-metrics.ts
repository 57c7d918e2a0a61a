// Per-release traffic metrics recorded by the router: one-second buckets with request count, status
// classes, a log-scale latency histogram and a small reservoir of raw latencies, kept for 30
// minutes, plus running totals for Prometheus. Recording is allocation-free on the hot path.

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const statusClasses: StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

const BUCKET_MS = 1000;
const BUCKETS = 1800;
const BINS_PER_OCTAVE = 8;
const BINS = 160;
const MIN_MS = 0.05;
const RESERVOIR = 64;
const MAX_WINDOW_SAMPLES = 4000;

interface Bucket {
  second: number;
  requests: number;
  errors: number;
  status: Uint32Array;
  histogram: Uint32Array;
  reservoir: Float64Array;
  seen: number;
}

export interface WindowMetrics {
  from: number;
  to: number;
  requests: number;
  errors: number;
  status: Record<StatusClass, number>;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  samples: number[];
}

function binOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  const b = Math.floor(Math.log2(ms / MIN_MS) * BINS_PER_OCTAVE) + 1;
  return b >= BINS ? BINS - 1 : b;
}

/** Representative value of a bin: its geometric middle. */
function binValue(bin: number): number {
  if (bin === 0) return MIN_MS;
  return MIN_MS * 2 ** ((bin - 0.5) / BINS_PER_OCTAVE);
}

export function quantileFromHistogram(histogram: Uint32Array, total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] as number;
    if (seen >= rank) return Math.round(binValue(i) * 1000) / 1000;
  }
  return Math.round(binValue(histogram.length - 1) * 1000) / 1000;
}

export class ReleaseMetrics {
  private readonly ring: (Bucket | undefined)[] = new Array(BUCKETS);
  readonly totals = { requests: 0, errors: 0, latencySumMs: 0, status: new Float64Array(5) };
  /** Latency histogram since start, for Prometheus quantiles. */
  readonly totalHistogram = new Uint32Array(BINS);

  record(latencyMs: number, status: number, now: number): void {
    const second = Math.floor(now / BUCKET_MS);
    const idx = second % BUCKETS;
    let b = this.ring[idx];
    if (b === undefined) {
      b = {
        second,
        requests: 0,
        errors: 0,
        status: new Uint32Array(5),
        histogram: new Uint32Array(BINS),
        reservoir: new Float64Array(RESERVOIR),
        seen: 0,
      };
      this.ring[idx] = b;
    } else if (b.second !== second) {
      b.second = second;
      b.requests = 0;
      b.errors = 0;
      b.status.fill(0);
      b.histogram.fill(0);
      b.seen = 0;
    }
    let cls = Math.floor(status / 100) - 1;
    if (cls < 0 || cls > 4) cls = 4;
    b.requests++;
    b.status[cls] = (b.status[cls] as number) + 1;
    if (status >= 500) b.errors++;
    const bin = binOf(latencyMs);
    b.histogram[bin] = (b.histogram[bin] as number) + 1;
    if (b.seen < RESERVOIR) b.reservoir[b.seen] = latencyMs;
    else {
      const j = Math.floor(Math.random() * (b.seen + 1));
      if (j < RESERVOIR) b.reservoir[j] = latencyMs;
    }
    b.seen++;
    const t = this.totals;
    t.requests++;
    if (status >= 500) t.errors++;
    t.latencySumMs += latencyMs;
    t.status[cls] = (t.status[cls] as number) + 1;
    this.totalHistogram[bin] = (this.totalHistogram[bin] as number) + 1;
  }

  /** Aggregates the buckets whose second lies in [from, to). */
  window(from: number, to: number): WindowMetrics {
    const histogram = new Uint32Array(BINS);
    const status = new Float64Array(5);
    let requests = 0;
    let errors = 0;
    let samples: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const fromS = Math.floor(from / BUCKET_MS);
    const toS = Math.ceil(to / BUCKET_MS);
    for (const b of this.ring) {
      if (b === undefined || b.second < fromS || b.second >= toS || b.requests === 0) continue;
      requests += b.requests;
      errors += b.errors;
      for (let i = 0; i < 5; i++) status[i] = (status[i] as number) + (b.status[i] as number);
      for (let i = 0; i < BINS; i++) histogram[i] = (histogram[i] as number) + (b.histogram[i] as number);
      const n = Math.min(b.seen, RESERVOIR);
      for (let i = 0; i < n; i++) samples.push(Math.round((b.reservoir[i] as number) * 1000) / 1000);
      first = Math.min(first, b.second * BUCKET_MS);
      last = Math.max(last, (b.second + 1) * BUCKET_MS);
    }
    if (samples.length > MAX_WINDOW_SAMPLES) {
      // uniform subsample keeps the reservoir bounded for long windows
      for (let i = samples.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        const tmp = samples[i] as number;
        samples[i] = samples[j] as number;
        samples[j] = tmp;
      }
      samples = samples.slice(0, MAX_WINDOW_SAMPLES);
    }
    return {
      from: requests === 0 ? from : Math.max(from, first),
      to: requests === 0 ? to : Math.min(to, last),
      requests,
      errors,
      status: {
        '1xx': status[0] as number,
        '2xx': status[1] as number,
        '3xx': status[2] as number,
        '4xx': status[3] as number,
        '5xx': status[4] as number,
      },
      latencyMs: {
        p50: quantileFromHistogram(histogram, requests, 0.5),
        p95: quantileFromHistogram(histogram, requests, 0.95),
        p99: quantileFromHistogram(histogram, requests, 0.99),
      },
      samples,
    };
  }
}
