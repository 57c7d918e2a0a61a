// Bench (figures, not a test): how often the Mann–Whitney judge aborts wrongly on identical
// releases (A/A), and how often it catches a canary whose latency is 20% higher (power).
// Latencies are synthetic log-normal samples (median 100 ms, σ 0.5), rounded to 0.1 ms like the
// router's; sample sizes follow what the router's reservoir keeps at 200 req/s with a 10% canary.
// Run: npx tsx bench/detection/judge-calibration.ts [analyses=200] [seed=1]

import { judge } from '../../src/analysis/judge.js';

const analyses = Number(process.argv[2] ?? 200);
let seed = Number(process.argv[3] ?? 1) >>> 0;

/** mulberry32: small, fast, seedable; good enough for simulation. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function normal(): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function latencies(n: number, factor: number): number[] {
  return Array.from({ length: n }, () => Math.round(100 * factor * Math.exp(0.5 * normal()) * 10) / 10);
}

interface Setting {
  label: string;
  canary: number;
  stable: number;
}

const settings: Setting[] = [
  { label: '  5 s window at 200 req/s (canary 100, stable 320)', canary: 100, stable: 320 },
  { label: ' 30 s window at 200 req/s (canary 600, stable 1920)', canary: 600, stable: 1920 },
  { label: 'small samples, exact test (canary 20, stable 20)', canary: 20, stable: 20 },
  { label: 'minimal samples (canary 50, stable 50)', canary: 50, stable: 50 },
];

function rate(setting: Setting, factor: number, tolerance: number): number {
  let flagged = 0;
  for (let i = 0; i < analyses; i++) {
    const r = judge(latencies(setting.canary, factor), latencies(setting.stable, 1), {
      confidence: 0.98,
      tolerance,
      direction: 'increase',
    });
    if (r.class === 'High') flagged++;
  }
  return flagged / analyses;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(6);
console.log(`judge calibration: ${analyses} analyses per cell, confidence 0.98, direction increase`);
console.log(
  'setting                                              | A/A false aborts (tol 10%) | A/A (tol 0) | caught at +20% (tol 10%) | caught at +20% (tol 0)',
);
const started = Date.now();
for (const s of settings) {
  const aa = rate(s, 1, 0.1);
  const aa0 = rate(s, 1, 0);
  const power = rate(s, 1.2, 0.1);
  const power0 = rate(s, 1.2, 0);
  console.log(
    `${s.label.padEnd(52)} | ${pct(aa).padStart(26)} | ${pct(aa0).padStart(11)} | ${pct(power).padStart(24)} | ${pct(power0).padStart(22)}`,
  );
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; goals: A/A ≤ 1%, power ≥ 95%)`);
