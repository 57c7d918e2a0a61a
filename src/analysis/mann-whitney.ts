// The Mann–Whitney U test (Wilcoxon rank-sum) of sample x against sample y.
// Exact null distribution when both samples are small and there are no ties; otherwise the normal
// approximation with tie-corrected variance and a continuity correction. This follows the
// conventions of R's wilcox.test, which the reference fixtures in test/fixtures/judge come from.

import { exactUCdf, exactUSurvival } from './mann-whitney-exact.js';
import { normalCdf, normalSurvival } from './normal-distribution.js';
import { midRanks } from './ranks.js';

/** greater: x tends to be larger than y; less: smaller; two-sided: either. */
export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyOptions {
  alternative?: Alternative;
  /** 'auto' (default): exact when both sizes are below exactLimit and there are no ties. */
  method?: 'auto' | 'exact' | 'normal';
  /** Exact distribution is used when both samples are smaller than this (default 50, as R). */
  exactLimit?: number;
  /** Continuity correction in the normal approximation (default true). */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U of x: the number of pairs (x_i, y_j) with x_i > y_j, ties counting one half (R's W). */
  u: number;
  nX: number;
  nY: number;
  pValue: number;
  method: 'exact' | 'normal';
  alternative: Alternative;
  /** Standardised statistic of the normal approximation (undefined for exact). */
  z?: number;
  ties: boolean;
}

export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const alternative = options.alternative ?? 'two-sided';
  const nX = x.length;
  const nY = y.length;
  if (nX === 0 || nY === 0) throw new RangeError('mannWhitney needs at least one value in each sample');
  for (const v of x)
    if (!Number.isFinite(v)) throw new RangeError('mannWhitney: samples must be finite numbers');
  for (const v of y)
    if (!Number.isFinite(v)) throw new RangeError('mannWhitney: samples must be finite numbers');
  const { ranks, tieGroups } = midRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < nX; i++) rankSumX += ranks[i] as number;
  const u = rankSumX - (nX * (nX + 1)) / 2;
  const ties = tieGroups.length > 0;
  const limit = options.exactLimit ?? 50;
  const method =
    options.method === 'exact' || options.method === 'normal'
      ? options.method
      : nX < limit && nY < limit && !ties
        ? 'exact'
        : 'normal';
  if (method === 'exact') {
    if (ties) throw new RangeError('mannWhitney: the exact distribution does not hold with ties');
    const lower = () => exactUCdf(u, nX, nY);
    const upper = () => exactUSurvival(u, nX, nY);
    let p: number;
    if (alternative === 'greater') p = upper();
    else if (alternative === 'less') p = lower();
    else p = Math.min(1, 2 * (u > (nX * nY) / 2 ? upper() : lower()));
    return { u, nX, nY, pValue: p, method, alternative, ties };
  }
  const n = nX + nY;
  let tieSum = 0;
  for (const t of tieGroups) tieSum += t * t * t - t;
  const variance = ((nX * nY) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  const centred = u - (nX * nY) / 2;
  if (variance <= 0) {
    // every value is equal: no evidence of any difference
    return { u, nX, nY, pValue: 1, method, alternative, z: 0, ties };
  }
  const sigma = Math.sqrt(variance);
  const cc = options.continuity === false ? 0 : 0.5;
  const correction =
    alternative === 'two-sided' ? Math.sign(centred) * cc : alternative === 'greater' ? cc : -cc;
  const z = (centred - correction) / sigma;
  let p: number;
  if (alternative === 'greater') p = normalSurvival(z);
  else if (alternative === 'less') p = normalCdf(z);
  else p = Math.min(1, 2 * Math.min(normalCdf(z), normalSurvival(z)));
  return { u, nX, nY, pValue: p, method, alternative, z, ties };
}
