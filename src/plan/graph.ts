// The phase graph: `needs` edges, cycle detection with the cycle's path, execution waves and the
// critical path. Works on plain {name, needs} so the loader can check a plan that failed the schema.

export interface GraphNode {
  name: string;
  needs: readonly string[];
}

/** The first cycle found, as a path that starts and ends with the same phase, or undefined. */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)?.needs ?? []) {
      if (!byName.has(dep)) continue;
      const c = visit(dep);
      if (c) return c;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const c = visit(n.name);
    // Report in the direction people read `needs`: a needs b needs a → "a -> b -> a".
    if (c) return c;
  }
  return undefined;
}

/** Phases grouped by depth: every phase's needs are in earlier waves. Assumes no cycle. */
export function computeWaves(nodes: readonly GraphNode[]): string[][] {
  const depth = new Map<string, number>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    const d = node && node.needs.length > 0 ? Math.max(...node.needs.map(depthOf)) + 1 : 0;
    depth.set(name, d);
    return d;
  };
  const waves: string[][] = [];
  for (const n of nodes) {
    const d = depthOf(n.name);
    while (waves.length <= d) waves.push([]);
    (waves[d] as string[]).push(n.name);
  }
  return waves;
}

/**
 * The longest chain of dependent phases, weighted by `weight` (e.g. estimated duration or step
 * count). Returns the phase names in execution order and the total weight.
 */
export function criticalPath(
  nodes: readonly GraphNode[],
  weight: (name: string) => number,
): { path: string[]; total: number } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const best = new Map<string, { total: number; path: string[] }>();
  const solve = (name: string): { total: number; path: string[] } => {
    const known = best.get(name);
    if (known) return known;
    let prev: { total: number; path: string[] } = { total: 0, path: [] };
    for (const dep of byName.get(name)?.needs ?? []) {
      const r = solve(dep);
      if (r.total > prev.total || prev.path.length === 0) prev = r;
    }
    const r = { total: prev.total + weight(name), path: [...prev.path, name] };
    best.set(name, r);
    return r;
  };
  let result: { total: number; path: string[] } = { total: 0, path: [] };
  for (const n of nodes) {
    const r = solve(n.name);
    if (r.total > result.total || result.path.length === 0) result = r;
  }
  return result;
}

/** All phases that (transitively) need `name`. */
export function dependentsOf(nodes: readonly GraphNode[], name: string): Set<string> {
  const out = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of nodes) {
      if (out.has(n.name)) continue;
      if (n.needs.some((d) => d === name || out.has(d))) {
        out.add(n.name);
        changed = true;
      }
    }
  }
  return out;
}
