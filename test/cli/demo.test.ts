// `rollgate demo --fast` as a newcomer runs it: real agent, real demo app, real load, real gate.
// The story must play: v1 deployed, v2 promoted after passing gates, v3 rolled back by the gate
// with the rollback hook run, and all traffic on v2 at the end; no process left behind.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('rollgate demo --fast', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plays the whole story and cleans up after itself', async () => {
    const r = await runCli(['demo', '--fast', '--json'], {
      cwd: dir,
      env: { ROLLGATE_HOME: join(dir, '.rollgate') },
    });
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const demo = lines.find((l) => l.type === 'demo');
    expect(demo, r.stderr).toBeDefined();
    expect(r.code).toBe(0);
    expect(demo.ok).toBe(true);
    const [a1, a2, a3] = demo.acts;
    expect([a1.status, a2.status, a3.status]).toEqual(['succeeded', 'succeeded', 'rolled_back']);
    expect(a2.figures.gates.length).toBeGreaterThanOrEqual(2);
    expect(a2.figures.gates.every((g: { verdict: string }) => g.verdict === 'pass')).toBe(true);
    expect(a2.figures.load.requests).toBeGreaterThan(0);
    expect(a2.figures.load.errors).toBe(0);
    const failed = a3.figures.gates.find((g: { verdict: string }) => g.verdict === 'fail');
    expect(failed.metrics.find((m: { name: string }) => m.name === 'error-rate').verdict).toBe('fail');
    expect(a3.figures.rollbackMs).toBeGreaterThan(0);
    expect(a3.figures.hookRan).toBe(true);
    expect(demo.finalTraffic).toContainEqual({ version: 'v2', weight: 100 });
    // each act wrote its report; the rolled-back one says NO-GO
    const reports = lines.find((l) => l.type === 'demo').reports;
    for (const a of demo.acts)
      expect(reports[a.runId].files.map((f: string) => existsSync(join(dir, f)))).toEqual([true, true]);
    expect(reports[a3.runId].decision).toBe('NO-GO');
    // status explains the rollback: which metric, which value against which threshold, and when
    const status = await runCli(['status', '--env', 'demo', '--json'], {
      cwd: dir,
      env: { ROLLGATE_HOME: demo.dir },
    });
    const why = JSON.parse(status.stdout)
      .why.map((w: { summary: string }) => w.summary)
      .join('\n');
    expect(why).toMatch(
      /gate slo fail(ed)?: .*error-rate: [\d.]+% > max 1% \(\d+ samples from v3\) at \d{4}-\d\d-\d\dT/,
    );
    // every process the demo started is gone: no demo app instance and no agent of this home
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toContain(demo.dir);
    expect(ps.split('\n').filter((l) => l.includes('demo-app/server.js') && l.includes(demo.dir))).toEqual(
      [],
    );
  }, 240_000);
});
