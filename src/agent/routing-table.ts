// The router's view of one environment: releases that may receive traffic, with their weights and
// healthy instances, precomputed on every weight or health change so the request path only does a
// random draw and an array index.

import type { Instance } from './instance.js';
import type { ReleaseMetrics } from './release-metrics.js';

export interface RoutingTarget {
  version: string;
  weight: number;
  healthy: Instance[];
  metrics: ReleaseMetrics;
  rr: number;
}

export interface RoutingTable {
  /** Targets with weight > 0 and at least one healthy instance. */
  targets: RoutingTarget[];
  cumulative: number[];
  total: number;
  byVersion: Map<string, RoutingTarget>;
  /** Shown in the 503 body when nothing can serve. */
  describe: string;
}

export function buildRoutingTable(
  releases: {
    version: string;
    weight: number;
    healthy: Instance[];
    metrics: ReleaseMetrics;
    state: string;
  }[],
): RoutingTable {
  const targets: RoutingTarget[] = [];
  const cumulative: number[] = [];
  const byVersion = new Map<string, RoutingTarget>();
  let total = 0;
  for (const r of releases) {
    if (r.weight <= 0 || r.healthy.length === 0) continue;
    const t: RoutingTarget = {
      version: r.version,
      weight: r.weight,
      healthy: r.healthy,
      metrics: r.metrics,
      rr: 0,
    };
    total += r.weight;
    targets.push(t);
    cumulative.push(total);
    byVersion.set(r.version, t);
  }
  const describe =
    releases.length === 0
      ? 'no release deployed'
      : releases
          .map((r) => `${r.version} (${r.state}, weight ${r.weight}, ${r.healthy.length} healthy)`)
          .join(', ');
  return { targets, cumulative, total, byVersion, describe };
}

export function pickTarget(
  table: RoutingTable,
  stickyVersion: string | undefined,
): RoutingTarget | undefined {
  if (stickyVersion !== undefined) {
    const t = table.byVersion.get(stickyVersion);
    if (t !== undefined) return t;
  }
  const n = table.targets.length;
  if (n === 0) return undefined;
  if (n === 1) return table.targets[0];
  const r = Math.random() * table.total;
  for (let i = 0; i < n; i++) {
    if (r < (table.cumulative[i] as number)) return table.targets[i];
  }
  return table.targets[n - 1];
}

export function pickInstance(target: RoutingTarget, avoid?: Instance): Instance | undefined {
  const list = target.healthy;
  const n = list.length;
  if (n === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const inst = list[target.rr++ % n] as Instance;
    if (target.rr > 1e9) target.rr = 0;
    if (inst !== avoid) return inst;
  }
  return undefined;
}
