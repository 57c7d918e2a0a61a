// The exact null distribution of the Mann–Whitney U statistic for samples without ties.
// Built by the recurrence P(m,n,u) = m/(m+n)·P(m-1,n,u-n) + n/(m+n)·P(m,n-1,u), which only adds
// non-negative terms: tail probabilities stay accurate even when they are 1e-12.

const cache = new Map<string, Float64Array>();

/** Probability mass of U = 0..m·n for sample sizes m and n (U counts pairs where x > y). */
export function exactUDistribution(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // prev[j] holds the distribution for sizes (i-1, j); cur[j] for (i, j)
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) prev.push(Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const out = new Float64Array(i * j + 1);
      const a = prev[j] as Float64Array; // sizes (i-1, j): the largest value is an x, adding j to U
      const b = cur[j - 1] as Float64Array; // sizes (i, j-1): the largest value is a y
      const pa = i / (i + j);
      const pb = j / (i + j);
      for (let u = 0; u < a.length; u++) out[u + j] = (out[u + j] as number) + pa * (a[u] as number);
      for (let u = 0; u < b.length; u++) out[u] = (out[u] as number) + pb * (b[u] as number);
      cur.push(out);
    }
    prev = cur;
  }
  const dist = prev[n] as Float64Array;
  if (cache.size > 64) cache.clear();
  cache.set(key, dist);
  return dist;
}

/** P(U <= u). */
export function exactUCdf(u: number, m: number, n: number): number {
  const dist = exactUDistribution(m, n);
  let s = 0;
  for (let k = 0; k <= Math.min(u, m * n); k++) s += dist[k] as number;
  return Math.min(1, s);
}

/** P(U >= u). */
export function exactUSurvival(u: number, m: number, n: number): number {
  const dist = exactUDistribution(m, n);
  let s = 0;
  for (let k = Math.max(0, Math.ceil(u)); k <= m * n; k++) s += dist[k] as number;
  return Math.min(1, s);
}
