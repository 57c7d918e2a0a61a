// Test helper: a real Prometheus (Debian package) on a free port with a temp config and storage,
// scraping the given targets every second. Stopped (and its directory removed) by stop().

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface PrometheusServer {
  url: string;
  /** Resolves once the PromQL query returns a first sample value of at least `atLeast`. */
  waitFor(query: string, atLeast: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[]): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-prom-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: test\n    static_configs: [{ targets: ${JSON.stringify(targets)} }]\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const waitFor = async (query: string, atLeast: number) => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
      try {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
        const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
        if (Number(body.data?.result?.[0]?.value[1] ?? Number.NaN) >= atLeast) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  return { url, waitFor, stop };
}
