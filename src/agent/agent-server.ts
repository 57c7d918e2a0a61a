// The agent process: takes the single-agent lock, loads and restores persisted state (re-adopting
// live instances), serves the control API, writes agent.json so clients find it, persists state
// atomically on every change, rotates instance logs, and shuts down on request or signal.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import { readJsonFile, writeFileAtomic } from './atomic-file.js';
import { createControlServer } from './control-api.js';
import { EnvironmentRuntime, type PersistedEnvironment } from './environment-runtime.js';
import { pidAlive } from './instance.js';
import { rotateDir } from './log-rotation.js';
import { type AgentInfo, agentPaths } from './paths.js';
import { createRegistry, serveMetrics } from './prom-metrics.js';
import type { TargetSpec } from './types.js';

interface PersistedState {
  format: 1;
  environments: Record<string, PersistedEnvironment>;
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** Takes ${home}/agent/agent.lock; false when another live agent holds it. */
function takeLock(file: string): boolean {
  for (let i = 0; i < 3; i++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(file, 'utf8').trim());
      if (holder !== process.pid && pidAlive(holder)) return false;
      fs.rmSync(file, { force: true });
    }
  }
  return false;
}

function readOrCreateToken(file: string): string {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 32) {
      fs.chmodSync(file, 0o600);
      return t;
    }
  } catch {
    // first start
  }
  const token = randomBytes(32).toString('hex');
  writeFileAtomic(file, token, 0o600);
  return token;
}

export async function runAgent(home: string): Promise<void> {
  const paths = agentPaths(home);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (!takeLock(paths.lock)) {
    log('another agent is already running for this home; exiting');
    return;
  }
  const token = readOrCreateToken(paths.token);
  const startedAt = Date.now();
  const envs = new Map<string, EnvironmentRuntime>();
  const metricsServers = new Map<number, http.Server>();
  let persistEnabled = true;
  let dirty = false;
  let persistScheduled = false;

  const flush = (): void => {
    if (!persistEnabled) return;
    dirty = false;
    const state: PersistedState = { format: 1, environments: {} };
    for (const [name, e] of envs) state.environments[name] = e.persisted();
    writeFileAtomic(paths.state, JSON.stringify(state, null, 1), 0o600);
  };
  const persist = (): void => {
    dirty = true;
    if (persistScheduled) return;
    persistScheduled = true;
    setImmediate(() => {
      persistScheduled = false;
      if (dirty) flush();
    });
  };

  const registry = createRegistry(() => [...envs.values()]);
  const environment = (name: string, create: boolean): EnvironmentRuntime | undefined => {
    let e = envs.get(name);
    if (e === undefined && create) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return undefined;
      e = new EnvironmentRuntime(home, name, persist);
      envs.set(name, e);
    }
    return e;
  };
  const configureTarget = async (e: EnvironmentRuntime, target: TargetSpec): Promise<void> => {
    await e.configureTarget(target);
    const mp = target.metricsListen;
    if (mp !== undefined && !metricsServers.has(mp))
      metricsServers.set(mp, await serveMetrics(registry, target.host, mp));
  };

  const saved = readJsonFile<PersistedState>(paths.state);
  if (saved?.environments !== undefined) {
    for (const [name, p] of Object.entries(saved.environments)) {
      const e = environment(name, true) as EnvironmentRuntime;
      try {
        await e.restore(p);
        if (p.target?.metricsListen !== undefined) await configureTarget(e, p.target);
        log(`restored environment ${name}: ${p.releases.map((r) => `${r.version}@${r.weight}`).join(', ')}`);
      } catch (err) {
        log(`could not fully restore environment ${name}: ${(err as Error).message}`);
      }
    }
  }

  let shuttingDown = false;
  const rotation = setInterval(
    () =>
      rotateDir(paths.logs, {
        maxBytes: Number(process.env.ROLLGATE_LOG_MAX_BYTES ?? 10 * 1024 * 1024),
        keep: 3,
      }),
    5000,
  );
  const shutdown = (stopInstances: boolean): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down (${stopInstances ? 'stopping instances' : 'leaving instances running'})`);
    clearInterval(rotation);
    flush();
    // the saved state keeps the desired instances, so a later start brings the service back
    persistEnabled = false;
    void (async () => {
      await Promise.all([...envs.values()].map((e) => e.shutdown(stopInstances)));
      for (const s of metricsServers.values()) s.close();
      control.close();
      const info = readJsonFile<AgentInfo>(paths.info);
      if (info?.pid === process.pid) fs.rmSync(paths.info, { force: true });
      fs.rmSync(paths.lock, { force: true });
      log('stopped');
      process.exit(0);
    })();
  };

  const control = createControlServer({
    pid: process.pid,
    startedAt,
    token,
    registry,
    environment,
    environmentNames: () => [...envs.keys()],
    configureTarget,
    flush,
    shutdown,
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const addr = control.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const info: AgentInfo = { pid: process.pid, host: '127.0.0.1', port, startedAt };
  writeFileAtomic(paths.info, JSON.stringify(info), 0o600);
  log(`agent ${process.pid} listening on 127.0.0.1:${port}`);
  process.on('SIGTERM', () => shutdown(false));
  process.on('SIGINT', () => shutdown(false));
}
