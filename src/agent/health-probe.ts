// One health probe of one instance: an HTTP GET of a path, a TCP connect, or a shell command with
// PORT set. Answers ok plus a short human-readable detail naming the check and what it saw.

import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { HealthSpec } from './types.js';

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export function describeCheck(spec: HealthSpec): string {
  if (spec.kind === 'http') return `http GET ${spec.target}`;
  if (spec.kind === 'command') return `command "${spec.target}"`;
  return 'tcp connect';
}

export function probe(spec: HealthSpec, port: number): Promise<ProbeResult> {
  if (spec.kind === 'http') return probeHttp(spec, port);
  if (spec.kind === 'command') return probeCommand(spec, port);
  return probeTcp(spec, port);
}

function probeHttp(spec: HealthSpec, port: number): Promise<ProbeResult> {
  const name = describeCheck(spec);
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: spec.target, agent: false, timeout: spec.timeoutMs },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        resolve({ ok, detail: `${name} on port ${port} answered ${code}` });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, detail: `${name} on port ${port} timed out after ${spec.timeoutMs}ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, detail: `${name} on port ${port} failed: ${err.code ?? err.message}` });
    });
  });
}

function probeTcp(spec: HealthSpec, port: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, detail: `tcp connect to port ${port} timed out after ${spec.timeoutMs}ms` });
    }, spec.timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, detail: `tcp connect to port ${port} succeeded` });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `tcp connect to port ${port} failed: ${err.code ?? err.message}` });
    });
  });
}

function probeCommand(spec: HealthSpec, port: number): Promise<ProbeResult> {
  const name = describeCheck(spec);
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', spec.target], {
      env: { ...process.env, PORT: String(port) },
      stdio: 'ignore',
      detached: true,
    });
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      resolve({ ok: false, detail: `${name} timed out after ${spec.timeoutMs}ms` });
    }, spec.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `${name} could not start: ${err.message}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, detail: `${name} exited ${code ?? 'by signal'}` });
    });
  });
}
