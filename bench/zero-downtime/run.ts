// Zero-downtime benchmark (not a test): N blue-green deploy/promote/rollback cycles through a real
// agent under continuous keep-alive load. Prints failed requests (goal 0), the blue-green switch
// time as measured around the agent call (goal < 50 ms), and the agent's peak RSS (goal < 80 MB).
// Run: npx tsx bench/zero-downtime/run.ts [cycles]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAgent, stopAgent } from '../../src/agent/client.js';
import { rollbackEnvironment } from '../../src/rollout/rollback.js';
import { runRollout } from '../../src/rollout/run-rollout.js';
import { freePort, rolloutOptions, startLoad } from '../../test/rollout/harness.js';

const cycles = Number(process.argv[2] ?? 20);

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rollgate-zd-'));
  const port = await freePort();
  const params = { strategy: 'blueGreen' as const, scaleDownDelay: '5s' };
  await runRollout(rolloutOptions(home, 'bench', port, 'v0', params));
  const h = await ensureAgent(home);
  const load = startLoad(port, 8);
  const switches: number[] = [];
  const rollbacks: number[] = [];
  let peak = rssMb(h.pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(h.pid));
  }, 200);
  try {
    for (let i = 1; i <= cycles; i++) {
      const r = await runRollout(rolloutOptions(home, 'bench', port, `v${i}`, params));
      switches.push(r.switchMs);
      if (i % 2 === 0) {
        const t0 = performance.now();
        await rollbackEnvironment(h, 'bench', { keepPreviousMs: 5000 });
        rollbacks.push(performance.now() - t0);
      }
      process.stdout.write(
        `cycle ${i}/${cycles}: switch ${r.switchMs.toFixed(1)}ms, failed so far ${load.result.failed}\n`,
      );
    }
  } finally {
    clearInterval(sampler);
    const result = await load.stop();
    process.stdout.write(
      `\n${cycles} blue-green cycles (${rollbacks.length} rollbacks) under load of 8 keep-alive clients\n` +
        `  requests: ${result.ok + result.failed}, failed: ${result.failed}${result.failures.length ? ` (${result.failures.slice(0, 3).join(' | ')})` : ''}\n` +
        `  switch time: p50 ${pct(switches, 0.5).toFixed(1)}ms, max ${Math.max(...switches).toFixed(1)}ms\n` +
        `  rollback (instant, blue still running): p50 ${pct(rollbacks, 0.5).toFixed(1)}ms, max ${Math.max(...rollbacks).toFixed(1)}ms\n` +
        `  agent peak RSS: ${peak.toFixed(1)} MB\n`,
    );
    await stopAgent(home);
  }
}

await main();
