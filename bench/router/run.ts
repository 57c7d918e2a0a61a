// Router benchmark (not a test): the same two demo-app backends measured direct, through the
// built-in router (a real agent) and through nginx (installed from Debian by this script, config
// generated here). Prints requests/s and p50/p99 at saturation (wrk -c50) and p50/p99 at a steady
// 5,000 requests/s (autocannon -R), each as a ratio to nginx.
// Run: npx tsx bench/router/run.ts [seconds]

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  configureTarget,
  ensureAgent,
  getEnvironmentStatus,
  setWeights,
  startRelease,
  stopAgent,
} from '../../src/agent/client.js';
import { demoService, freePort, waitFor } from '../../test/rollout/harness.js';

const seconds = Number(process.argv[2] ?? 10);

function ensureTools(): void {
  const missing = ['nginx', 'wrk'].filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t} || test -x /usr/sbin/${t}`]).status !== 0,
  );
  if (missing.length === 0) return;
  process.stdout.write(`installing ${missing.join(', ')} from Debian packages…\n`);
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', ...missing.map((m) => (m === 'nginx' ? 'nginx-light' : m))], {
    stdio: 'ignore',
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

function toMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function wrk(url: string): Figures {
  const out = execFileSync('wrk', ['-t2', '-c50', `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  return { rps, p50, p99 };
}

function steady(url: string, rate: number): Figures {
  const bin = path.resolve('node_modules/.bin/autocannon');
  const out = execFileSync(bin, ['-c', '50', '-d', String(seconds), '-R', String(rate), '-j', url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const j = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number } };
  return { rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99 };
}

async function main(): Promise<void> {
  ensureTools();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rollgate-bench-'));
  const listen = await freePort();
  const nginxPort = await freePort();
  const h = await ensureAgent(home);
  let nginx: ReturnType<typeof spawn> | undefined;
  try {
    await configureTarget(h, 'bench', { host: '127.0.0.1', listen });
    await startRelease(h, 'bench', {
      version: '1.0.0',
      service: demoService({}, 2),
      state: 'stable',
      instances: 2,
    });
    const release = await waitFor('backends', async () => {
      const s = await getEnvironmentStatus(home, 'bench');
      return s[0]?.instances.every((i) => i.healthy) ? s[0] : undefined;
    });
    await setWeights(h, 'bench', { weights: { '1.0.0': 100 } });
    const ports = release.instances.map((i) => i.port);
    const conf = path.join(home, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `worker_processes auto;
pid ${home}/nginx.pid;
error_log ${home}/nginx-error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  upstream app { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} keepalive 128; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }
  }
}
`,
    );
    nginx = spawn('nginx', ['-c', conf, '-p', home], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    const targets: [string, string][] = [
      ['direct (one backend)', `http://127.0.0.1:${ports[0]}/`],
      ['built-in router', `http://127.0.0.1:${listen}/`],
      ['nginx', `http://127.0.0.1:${nginxPort}/`],
    ];
    const sat: Record<string, Figures> = {};
    const st: Record<string, Figures> = {};
    for (const [name, url] of targets) {
      wrk(url); // warm-up is the first short run's job too; repeated below
      sat[name] = wrk(url);
      st[name] = steady(url, 5000);
    }
    const ng = sat.nginx as Figures;
    const ngs = st.nginx as Figures;
    process.stdout.write(`\nsaturation (wrk -t2 -c50, ${seconds}s), ${os.cpus().length} cores\n`);
    for (const [name] of targets) {
      const f = sat[name] as Figures;
      process.stdout.write(
        `  ${name.padEnd(22)} ${f.rps.toFixed(0).padStart(7)} req/s (${(f.rps / ng.rps).toFixed(2)}x nginx)  p50 ${f.p50.toFixed(2)}ms  p99 ${f.p99.toFixed(2)}ms\n`,
      );
    }
    process.stdout.write(`steady 5,000 req/s (autocannon -R 5000 -c 50, ${seconds}s)\n`);
    for (const [name] of targets) {
      const f = st[name] as Figures;
      process.stdout.write(
        `  ${name.padEnd(22)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50.toFixed(2)}ms  p99 ${f.p99.toFixed(2)}ms (${(f.p99 / ngs.p99).toFixed(2)}x nginx p99)\n`,
      );
    }
  } finally {
    nginx?.kill('SIGTERM');
    await stopAgent(home);
  }
}

await main();
