// The phase graph: execution waves, critical path, cycles and dependents.

import { describe, expect, it } from 'vitest';
import { computeWaves, criticalPath, dependentsOf, findCycle, type GraphNode } from '../../src/plan/graph.js';

const diamond: GraphNode[] = [
  { name: 'build', needs: [] },
  { name: 'test', needs: ['build'] },
  { name: 'lint', needs: ['build'] },
  { name: 'release', needs: ['test', 'lint'] },
];

describe('computeWaves', () => {
  it('a diamond runs its two middle phases together', () => {
    expect(computeWaves(diamond)).toEqual([['build'], ['test', 'lint'], ['release']]);
  });

  it('independent chains advance side by side, each phase at its depth', () => {
    const nodes: GraphNode[] = [
      { name: 'a1', needs: [] },
      { name: 'b1', needs: [] },
      { name: 'a2', needs: ['a1'] },
      { name: 'a3', needs: ['a2'] },
      { name: 'b2', needs: ['b1'] },
      { name: 'solo', needs: [] },
    ];
    expect(computeWaves(nodes)).toEqual([['a1', 'b1', 'solo'], ['a2', 'b2'], ['a3']]);
  });

  it('a phase waits for its deepest need, whatever the declaration order', () => {
    const nodes: GraphNode[] = [
      { name: 'last', needs: ['short', 'long2'] },
      { name: 'long2', needs: ['long1'] },
      { name: 'short', needs: [] },
      { name: 'long1', needs: [] },
    ];
    expect(computeWaves(nodes)).toEqual([['short', 'long1'], ['long2'], ['last']]);
  });

  it('every need is in an earlier wave', () => {
    const nodes: GraphNode[] = Array.from({ length: 30 }, (_, i) => ({
      name: `p${i}`,
      needs: [i % 3 === 0 ? undefined : `p${Math.floor(i / 2)}`, i > 5 ? `p${i - 5}` : undefined].filter(
        (n): n is string => n !== undefined && n !== `p${i}`,
      ),
    }));
    const waves = computeWaves(nodes);
    const waveOf = new Map(waves.flatMap((w, i) => w.map((n) => [n, i] as const)));
    for (const n of nodes)
      for (const d of n.needs) expect(waveOf.get(d)).toBeLessThan(waveOf.get(n.name) as number);
    expect(waves.flat().sort()).toEqual(nodes.map((n) => n.name).sort());
  });

  it('empty graph', () => {
    expect(computeWaves([])).toEqual([]);
  });
});

describe('criticalPath', () => {
  it('follows the heavier branch of a diamond', () => {
    const weights: Record<string, number> = { build: 2, test: 10, lint: 1, release: 3 };
    expect(criticalPath(diamond, (n) => weights[n] as number)).toEqual({
      path: ['build', 'test', 'release'],
      total: 15,
    });
    const lintHeavy: Record<string, number> = { build: 2, test: 1, lint: 7, release: 3 };
    expect(criticalPath(diamond, (n) => lintHeavy[n] as number)).toEqual({
      path: ['build', 'lint', 'release'],
      total: 12,
    });
  });

  it('picks the longest of independent chains', () => {
    const nodes: GraphNode[] = [
      { name: 'a1', needs: [] },
      { name: 'a2', needs: ['a1'] },
      { name: 'b1', needs: [] },
      { name: 'b2', needs: ['b1'] },
      { name: 'b3', needs: ['b2'] },
    ];
    expect(criticalPath(nodes, () => 1)).toEqual({ path: ['b1', 'b2', 'b3'], total: 3 });
    expect(criticalPath(nodes, (n) => (n === 'a2' ? 10 : 1))).toEqual({ path: ['a1', 'a2'], total: 11 });
  });

  it('single phase and empty graph', () => {
    expect(criticalPath([{ name: 'only', needs: [] }], () => 4)).toEqual({ path: ['only'], total: 4 });
    expect(criticalPath([], () => 1)).toEqual({ path: [], total: 0 });
  });
});

describe('findCycle', () => {
  it('no cycle in a DAG', () => {
    expect(findCycle(diamond)).toBeUndefined();
    expect(findCycle([])).toBeUndefined();
  });

  it('a 2-cycle as a path that returns to its start', () => {
    expect(
      findCycle([
        { name: 'a', needs: ['b'] },
        { name: 'b', needs: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'a']);
  });

  it('a 3-cycle behind an acyclic prefix, without the prefix', () => {
    expect(
      findCycle([
        { name: 'start', needs: [] },
        { name: 'x', needs: ['start', 'a'] },
        { name: 'a', needs: ['b'] },
        { name: 'b', needs: ['c'] },
        { name: 'c', needs: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('a self-need is a cycle of one', () => {
    expect(findCycle([{ name: 'a', needs: ['a'] }])).toEqual(['a', 'a']);
  });

  it('needs of unknown phases are ignored (the loader reports them separately)', () => {
    expect(findCycle([{ name: 'a', needs: ['ghost'] }])).toBeUndefined();
  });
});

describe('dependentsOf', () => {
  it('everything downstream, transitively', () => {
    expect([...dependentsOf(diamond, 'build')].sort()).toEqual(['lint', 'release', 'test']);
    expect([...dependentsOf(diamond, 'test')]).toEqual(['release']);
    expect(dependentsOf(diamond, 'release').size).toBe(0);
  });

  it('declaration order does not matter', () => {
    const nodes: GraphNode[] = [
      { name: 'd', needs: ['c'] },
      { name: 'c', needs: ['b'] },
      { name: 'b', needs: ['a'] },
      { name: 'a', needs: [] },
    ];
    expect([...dependentsOf(nodes, 'a')].sort()).toEqual(['b', 'c', 'd']);
  });
});
