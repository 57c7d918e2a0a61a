// Mid-ranks of pooled samples and the sizes of their tie groups (both needed by rank tests).

export interface RankResult {
  /** Rank of each input value, in input order; tied values share the mean of their positions. */
  ranks: number[];
  /** Size of every group of equal values with more than one member. */
  tieGroups: number[];
}

export function midRanks(values: readonly number[]): RankResult {
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(values.length);
  const tieGroups: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (
      j + 1 < order.length &&
      (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]
    )
      j++;
    // positions i..j (0-based) hold equal values; their 1-based ranks average to (i + j) / 2 + 1
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
    if (j > i) tieGroups.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieGroups };
}
