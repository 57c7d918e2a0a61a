// The Hodges–Lehmann estimate of the shift between two samples: the median of all pairwise
// differences x_i − y_j. Robust to outliers, and the natural effect size beside a rank test.

/** Median of a list of numbers (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Pairs above this count are estimated from a deterministic subsample of y (memory stays bounded). */
const maxPairs = 4_000_000;

/** Median of x_i − y_j over all pairs (x shifted by this is most like y). NaN if a sample is empty. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[]): number {
  if (x.length === 0 || y.length === 0) return Number.NaN;
  let ys = y;
  if (x.length * y.length > maxPairs) {
    // why: reservoirs can hold tens of thousands of samples; an evenly spaced subsample of the
    // sorted y keeps the estimate's precision far below any tolerance a gate would use
    const sorted = [...y].sort((a, b) => a - b);
    const keep = Math.max(1, Math.floor(maxPairs / x.length));
    ys = Array.from(
      { length: keep },
      (_, k) => sorted[Math.floor(((k + 0.5) * sorted.length) / keep)] as number,
    );
  }
  const diffs = new Float64Array(x.length * ys.length);
  let k = 0;
  for (const a of x) for (const b of ys) diffs[k++] = a - b;
  diffs.sort();
  const mid = diffs.length >> 1;
  return diffs.length % 2 === 1
    ? (diffs[mid] as number)
    : ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2;
}
