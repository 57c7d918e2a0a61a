// Parses the text of a plan's `claims:` entries ("p95 < 200ms", "error rate < 1%", "zero failed
// requests during rollout", "99.9% uptime", "rollback within 30s") into a metric, an operator and a
// value in the metric's canonical unit (ms for times, a fraction for rates, a count for requests).
// Text it cannot read returns undefined: such a claim is reported UNVERIFIED, never guessed.

export type ClaimMetric =
  | { kind: 'latency'; percentile: number }
  | { kind: 'error-rate' }
  | { kind: 'failed-requests' }
  | { kind: 'rollback-time' }
  | { kind: 'availability' }
  | { kind: 'deploy-duration' };

export type ClaimOperator = '<' | '<=' | '>' | '>=' | '=';

export interface ParsedClaim {
  metric: ClaimMetric;
  op: ClaimOperator;
  /** Canonical unit: ms (times), fraction 0..1 (rates), count (requests). */
  value: number;
}

const opWords: Array<[RegExp, ClaimOperator]> = [
  [/^(<=|≤|=<|at most|no more than|within|under or equal)/, '<='],
  [/^(>=|≥|=>|at least|no less than)/, '>='],
  [/^(<|under|below|less than|lower than|faster than)/, '<'],
  [/^(>|above|over|more than|greater than|higher than)/, '>'],
  [/^(==|=|equals?)/, '='],
];

const opAtEnd =
  /(<=|>=|=<|=>|≤|≥|==|<|>|=|at most|no more than|within|at least|no less than|under|below|less than|lower than|faster than|above|over|more than|greater than|higher than|equals?)$/;

const timeUnits: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
};

function metricOf(t: string): ClaimMetric | undefined {
  const p = /\bp(\d{1,2}(?:\.\d+)?)\b/.exec(t);
  if (p) return { kind: 'latency', percentile: Number(p[1]) };
  if (/\bmedian (latency|response)/.test(t)) return { kind: 'latency', percentile: 50 };
  if (/\brollback\b|\brolled back\b|\brestore\b/.test(t)) return { kind: 'rollback-time' };
  if (/\b(failed|dropped|lost) requests?\b|\brequest failures?\b|\bfailed responses?\b/.test(t))
    return { kind: 'failed-requests' };
  if (/\berror[- ]?rate\b|\berrors?\b/.test(t)) return { kind: 'error-rate' };
  if (/\buptime\b|\bavailability\b|\bsuccess rate\b|\bavailable\b/.test(t)) return { kind: 'availability' };
  if (/\bdeploy(ment)? (time|duration)\b|\b(release|rollout) (time|duration)\b/.test(t))
    return { kind: 'deploy-duration' };
  return undefined;
}

/** Default direction when the text states a figure without an operator ("99.9% uptime"). */
function defaultOp(m: ClaimMetric): ClaimOperator {
  return m.kind === 'availability' ? '>=' : '<=';
}

function canonical(m: ClaimMetric, value: number, unit: string | undefined): number | undefined {
  const u = unit?.toLowerCase();
  switch (m.kind) {
    case 'latency':
    case 'rollback-time':
    case 'deploy-duration': {
      if (u === undefined || u === '') return m.kind === 'latency' ? value : undefined;
      const f = timeUnits[u];
      return f === undefined ? undefined : value * f;
    }
    case 'error-rate':
    case 'availability':
      if (u === '%') return Math.round((value / 100) * 1e9) / 1e9;
      if (u === undefined || u === '') return value <= 1 ? value : undefined;
      return undefined;
    case 'failed-requests':
      return u === '%' ? undefined : value;
  }
}

export function parseClaim(text: string): ParsedClaim | undefined {
  const t = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const metric = metricOf(t);
  if (metric === undefined) return undefined;
  if (/\b(zero|no|none)\b/.test(t) && (metric.kind === 'failed-requests' || metric.kind === 'error-rate')) {
    if (!/\d/.test(t.replace(/\bp\d+\b/g, ''))) return { metric, op: '=', value: 0 };
  }
  const number = /(\d+(?:\.\d+)?)\s*(%|ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|min|m)?(?![a-z])/g;
  for (const match of t.matchAll(number)) {
    const before = t.slice(0, match.index).trimEnd();
    // skip the digits of the metric name itself (p95)
    if (/\bp$/.test(t.slice(0, match.index))) continue;
    const said = opAtEnd.exec(before);
    const op = said ? opWords.find(([re]) => re.test(said[1] as string))?.[1] : undefined;
    const value = canonical(metric, Number(match[1]), match[2]);
    if (value === undefined) return undefined;
    return { metric, op: op ?? defaultOp(metric), value };
  }
  return undefined;
}

export function holds(op: ClaimOperator, figure: number, value: number): boolean {
  switch (op) {
    case '<':
      return figure < value;
    case '<=':
      return figure <= value;
    case '>':
      return figure > value;
    case '>=':
      return figure >= value;
    case '=':
      return figure === value;
  }
}
