// One supervised app instance (a slot of a release): spawns `service.start` in its own process
// group with PORT and ROLLGATE_VERSION, appends its output to a log file (so it survives the agent
// dying), probes its health, restarts it with backoff when it crashes, and stops it gracefully
// (out of rotation, in-flight drained, SIGTERM, SIGKILL after the drain time). An instance left
// running by a previous agent is adopted by pid.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describeCheck, probe } from './health-probe.js';
import type { InstanceStatus, ServiceSpec } from './types.js';

export interface InstanceOwner {
  readonly environment: string;
  readonly version: string;
  readonly service: ServiceSpec;
  logFile(slot: number): string;
  onHealthChange(inst: Instance, healthy: boolean, detail: string): void;
  onExit(inst: Instance, code: number | null, signal: string | null, restartInMs: number | null): void;
  onStarted(inst: Instance): void;
}

export interface PersistedInstance {
  slot: number;
  pid: number;
  port: number;
  startedAt: number;
  restarts: number;
}

const MAX_BACKOFF_MS = 30_000;
const BASE_BACKOFF_MS = 250;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function pidAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export class Instance {
  readonly slot: number;
  port = 0;
  pid = 0;
  startedAt = 0;
  restarts = 0;
  healthy = false;
  state: 'starting' | 'running' | 'draining' | 'stopped' | 'exited' = 'starting';
  lastCheck: string | null = null;
  /** Requests currently proxied to this instance (maintained by the router). */
  inflight = 0;
  private successes = 0;
  private failures = 0;
  private adopted = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private exitWaiters: (() => void)[] = [];
  private stopping = false;
  private readonly owner: InstanceOwner;

  constructor(owner: InstanceOwner, slot: number) {
    this.owner = owner;
    this.slot = slot;
  }

  get id(): string {
    return `${this.owner.version}#${this.slot}`;
  }

  status(): InstanceStatus {
    return {
      id: this.id,
      pid: this.pid,
      port: this.port,
      healthy: this.healthy,
      state: this.state,
      restarts: this.restarts,
      lastCheck: this.lastCheck,
    };
  }

  persisted(): PersistedInstance {
    return {
      slot: this.slot,
      pid: this.pid,
      port: this.port,
      startedAt: this.startedAt,
      restarts: this.restarts,
    };
  }

  async start(): Promise<void> {
    const spec = this.owner.service;
    this.port = await freePort();
    if (this.stopping) return;
    const logFile = this.owner.logFile(this.slot);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    try {
      // a simple command is exec'd so the recorded pid is the app itself, not a waiting shell
      const command = /^[^;&|<>()`$\n]+$/.test(spec.start) ? `exec ${spec.start}` : spec.start;
      const child = spawn('sh', ['-c', command], {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env, PORT: String(this.port), ROLLGATE_VERSION: this.owner.version },
        stdio: ['ignore', out, out],
        // own process group: the instance outlives an agent crash and is stopped as a group
        detached: true,
      });
      child.unref();
      this.pid = child.pid ?? 0;
      child.on('error', (err) => {
        fs.appendFileSync(logFile, `rollgate: could not start "${spec.start}": ${err.message}\n`);
        this.handleExit(null, null);
      });
      child.on('exit', (code, signal) => this.handleExit(code, signal));
    } finally {
      fs.closeSync(out);
    }
    this.startedAt = Date.now();
    this.adopted = false;
    this.state = 'starting';
    this.healthy = false;
    this.successes = 0;
    this.failures = 0;
    this.owner.onStarted(this);
    this.scheduleProbe(0);
  }

  /** Takes over an instance started by a previous agent process; false when it is gone. */
  adopt(p: PersistedInstance): boolean {
    if (!pidAlive(p.pid)) return false;
    this.pid = p.pid;
    this.port = p.port;
    this.startedAt = p.startedAt;
    this.restarts = p.restarts;
    this.adopted = true;
    this.state = 'starting';
    this.scheduleProbe(0);
    return true;
  }

  private scheduleProbe(delayMs: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.runProbe(), delayMs);
  }

  private async runProbe(): Promise<void> {
    if (this.stopping || this.state === 'exited' || this.state === 'stopped') return;
    if (this.adopted && !pidAlive(this.pid)) {
      this.handleExit(null, null);
      return;
    }
    const spec = this.owner.service.health;
    const result = await probe(spec, this.port);
    const after = this.state as Instance['state'];
    if (this.stopping || after === 'exited' || after === 'stopped') return;
    this.lastCheck = result.detail;
    if (result.ok) {
      this.successes++;
      this.failures = 0;
      if (!this.healthy && this.successes >= spec.healthyAfter) {
        this.healthy = true;
        this.state = 'running';
        this.owner.onHealthChange(this, true, result.detail);
      }
      if (this.healthy && this.restarts > 0 && Date.now() - this.startedAt > MAX_BACKOFF_MS)
        this.restarts = 0;
    } else {
      this.failures++;
      this.successes = 0;
      if (this.healthy && this.failures >= spec.unhealthyAfter) {
        this.healthy = false;
        this.owner.onHealthChange(this, false, `${result.detail} (${this.failures} times in a row)`);
      }
    }
    this.scheduleProbe(spec.intervalMs);
  }

  private handleExit(code: number | null, signal: string | null): void {
    if (this.state === 'exited' || this.state === 'stopped') return;
    clearTimeout(this.probeTimer);
    const wasHealthy = this.healthy;
    this.healthy = false;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w();
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    this.state = 'exited';
    if (wasHealthy)
      this.owner.onHealthChange(this, false, `process ${this.pid} exited (${signal ?? `code ${code}`})`);
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(this.restarts, 10));
    this.restarts++;
    this.lastCheck = `process exited (${signal ?? `code ${code}`}); restart #${this.restarts} in ${backoff}ms`;
    this.owner.onExit(this, code, signal, backoff);
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) void this.start();
    }, backoff);
  }

  private waitExit(timeoutMs: number): Promise<boolean> {
    if (this.state === 'stopped' || this.state === 'exited') return Promise.resolve(true);
    return new Promise((resolve) => {
      let done = false;
      const finish = (exited: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        resolve(exited);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      // adopted processes are not our children: no exit event, so poll the pid
      const poll = setInterval(() => {
        if (!pidAlive(this.pid)) finish(true);
      }, 50);
      this.exitWaiters.push(() => finish(true));
    });
  }

  /**
   * Graceful stop: the caller has already taken the instance out of rotation. Waits for in-flight
   * requests (up to drainMs), sends SIGTERM to the group, then SIGKILL after drainMs.
   */
  async stop(drainMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.probeTimer);
    clearTimeout(this.restartTimer);
    const wasHealthy = this.healthy;
    this.healthy = false;
    if (this.state === 'exited' || this.pid === 0) {
      this.state = 'stopped';
      return;
    }
    this.state = 'draining';
    if (wasHealthy) this.owner.onHealthChange(this, false, 'stopping: taken out of rotation');
    const deadline = Date.now() + drainMs;
    while (this.inflight > 0 && Date.now() < deadline) await sleep(20);
    killGroup(this.pid, 'SIGTERM');
    const exited = await this.waitExit(drainMs);
    if (!exited) {
      killGroup(this.pid, 'SIGKILL');
      await this.waitExit(2000);
    }
    this.state = 'stopped';
  }

  /** Stops probing without touching the process (agent shutdown keeps instances serving). */
  detach(): void {
    this.stopping = true;
    clearTimeout(this.probeTimer);
    clearTimeout(this.restartTimer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { describeCheck };
