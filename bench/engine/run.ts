// Bench (not a test): a 1,000-step plan of no-op steps on SQLite and on PostgreSQL — steps per second
// and engine overhead per step — and the cold start of `rollgate validate`, compared with the cold
// start of a bare `node -e 0` in the same run. Run: npx tsx bench/engine/run.ts

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '../../src/engine/reporter.js';
import { startRun } from '../../src/engine/run-engine.js';
import { loadPlanText } from '../../src/plan/load-plan.js';
import { stepKinds, stepSchemas } from '../../src/steps/registry.js';
import { createStore } from '../../src/store/create-store.js';
import { createTestDatabase } from '../../test/helpers/pg-database.js';

const steps = Number(process.env.BENCH_STEPS ?? 1000);

function planText(n: number): string {
  const phases = 10;
  const per = n / phases;
  const lines = ['app: bench', 'environments: { bench: {} }', 'phases:'];
  for (let p = 0; p < phases; p++) {
    lines.push(`  - name: p${p}`);
    if (p > 0) lines.push(`    needs: [p${p - 1}]`);
    lines.push('    steps:');
    for (let s = 0; s < per; s++) lines.push('      - wait: 0ms');
  }
  return `${lines.join('\n')}\n`;
}

async function benchStore(label: string, databaseUrl?: string) {
  const home = mkdtempSync(join(tmpdir(), 'rollgate-bench-'));
  const store = await createStore({ home, databaseUrl });
  const plan = loadPlanText(planText(steps), join(home, 'rollgate.yaml'), { stepKinds: stepSchemas });
  const started = process.hrtime.bigint();
  const r = await startRun({
    store,
    home,
    stepKinds,
    reporter: silentReporter,
    signal: new AbortController().signal,
    user: 'bench',
    plan,
    environment: 'bench',
    version: '1',
    vars: {},
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const events = (await store.listEvents(r.run.id)).length;
  await store.close();
  rmSync(home, { recursive: true, force: true });
  if (r.status !== 'succeeded') throw new Error(`bench run ${r.status}: ${r.reason}`);
  console.log(
    `${label.padEnd(10)} ${steps} steps in ${ms.toFixed(0)} ms: ${((steps / ms) * 1000).toFixed(0)} steps/s, ${(ms / steps).toFixed(3)} ms overhead per step (${events} events written)`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function coldStart(label: string, args: string[], cwd: string, runs = 9): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0 && label !== 'node -e 0') throw new Error(`${label} failed: ${r.stderr}`);
  }
  const m = median(times);
  console.log(
    `${label.padEnd(28)} median ${m.toFixed(0)} ms over ${runs} runs (min ${Math.min(...times).toFixed(0)} ms)`,
  );
  return m;
}

await benchStore('sqlite');
const db = await createTestDatabase('rg_bench');
try {
  await benchStore('postgres', db.url);
} finally {
  await db.drop();
}

const dir = mkdtempSync(join(tmpdir(), 'rollgate-bench-validate-'));
writeFileSync(join(dir, 'rollgate.yaml'), planText(100));
const bin = new URL('../../bin/rollgate.js', import.meta.url).pathname;
const base = coldStart('node -e 0', ['-e', '0'], dir);
const validate = coldStart('rollgate validate (dist)', [bin, 'validate'], dir);
console.log(`validate cold start minus bare node start: ${(validate - base).toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
