// Client of the local rollgate agent, used by the CLI, the rollout code and the analysis code.
// Pure functions over $ROLLGATE_HOME: find the agent from ${home}/agent/agent.json, start one
// (detached, surviving the CLI) when none runs, and call its token-authenticated JSON API.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RollgateError } from '../shared/errors.js';
import { readJsonFile } from './atomic-file.js';
import { type AgentInfo, agentPaths } from './paths.js';
import type {
  AgentEvent,
  EnvironmentStatusFull,
  ReleaseState,
  ReleaseStatusFull,
  RolloutCommand,
  RolloutRecord,
  ServiceSpec,
  TargetSpec,
} from './types.js';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface ReleaseWindowMetrics {
  version: string;
  /** epoch ms, the window actually covered */
  from: number;
  to: number;
  requests: number;
  /** 5xx answers + requests that failed at the router (no upstream) */
  errors: number;
  status: Record<StatusClass, number>;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** raw latencies in ms from a bounded reservoir for this window */
  samples: number[];
}

export interface ReleaseStatus {
  version: string;
  /** 0..100 */
  weight: number;
  /** 'starting' | 'preview' | 'canary' | 'stable' | 'retained' | 'stopping' */
  state: string;
  instances: { pid: number; port: number; healthy: boolean }[];
}

export interface AgentHandle {
  home: string;
  pid: number;
  host: string;
  port: number;
  token: string;
  /** e.g. http://127.0.0.1:40123 */
  address: string;
}

const START_TIMEOUT_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface RawResponse {
  status: number;
  body: unknown;
}

function rawRequest(
  host: string,
  port: number,
  token: string,
  method: string,
  pathName: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        method,
        path: pathName,
        agent: false,
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            // keep text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`the agent did not answer ${method} ${pathName} within ${timeoutMs}ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function readToken(home: string): string | undefined {
  try {
    return fs.readFileSync(agentPaths(home).token, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The running agent of this home, or undefined when none answers. */
export async function findAgent(home: string): Promise<AgentHandle | undefined> {
  const info = readJsonFile<AgentInfo>(agentPaths(home).info);
  const token = readToken(home);
  if (info === undefined || token === undefined) return undefined;
  try {
    const res = await rawRequest(info.host, info.port, token, 'GET', '/v1/health', undefined, 5000);
    if (res.status !== 200) return undefined;
    const pid = (res.body as { pid: number }).pid;
    return {
      home,
      pid,
      host: info.host,
      port: info.port,
      token,
      address: `http://${info.host}:${info.port}`,
    };
  } catch {
    return undefined;
  }
}

/** Node arguments that run the agent entry next to this file, from dist/ (node) or src/ (tsx). */
export function agentCommand(home: string): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const entry = path.join(path.dirname(here), `main${ext}`);
  // the agent runs with its home as cwd, so a bare `--import tsx` is resolved to a file URL here
  const tsxUrl = (): string => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const execArgv = process.execArgv
    .filter((a) => !a.startsWith('--inspect'))
    .map((a) => (a === 'tsx' ? tsxUrl() : a === '--import=tsx' ? `--import=${tsxUrl()}` : a));
  if (ext === '.ts' && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', tsxUrl());
  return { command: process.execPath, args: [...execArgv, entry, '--home', home] };
}

/** Starts an agent for this home when none runs; resolves once it answers. */
export async function ensureAgent(home: string): Promise<AgentHandle> {
  const running = await findAgent(home);
  if (running !== undefined) return running;
  const paths = agentPaths(home);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const { command, args } = agentCommand(home);
  const out = fs.openSync(paths.log, 'a', 0o600);
  let exited: number | null | undefined;
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: home });
    child.on('exit', (code) => {
      exited = code;
    });
    child.unref();
  } finally {
    fs.closeSync(out);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(50);
    const h = await findAgent(home);
    if (h !== undefined) return h;
    if (exited !== undefined && exited !== 0) break;
  }
  let tail = '';
  try {
    tail = fs.readFileSync(paths.log, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    // no log
  }
  throw new RollgateError(
    'AGENT_ERROR',
    `the rollgate agent did not start; see ${paths.log}${tail ? `:\n${tail}` : ''}`,
  );
}

/** Asks the agent to stop (draining and stopping its instances unless stopInstances is false). */
export async function stopAgent(home: string, options: { stopInstances?: boolean } = {}): Promise<boolean> {
  const h = await findAgent(home);
  if (h === undefined) return false;
  await call(h, 'POST', '/v1/shutdown', { stopInstances: options.stopInstances !== false });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(h.pid, 0);
    } catch {
      return true;
    }
    await sleep(50);
  }
  throw new RollgateError('AGENT_ERROR', `the agent (pid ${h.pid}) did not stop within 60s`);
}

export async function call<T>(h: AgentHandle, method: string, pathName: string, body?: unknown): Promise<T> {
  let res: RawResponse;
  try {
    res = await rawRequest(h.host, h.port, h.token, method, pathName, body);
  } catch (err) {
    throw new RollgateError(
      'AGENT_ERROR',
      `the rollgate agent at ${h.address} did not answer: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (res.status >= 200 && res.status < 300) return res.body as T;
  const message = (res.body as { error?: string } | null)?.error ?? `status ${res.status}`;
  throw new RollgateError(res.status === 404 ? 'NOT_FOUND' : 'AGENT_ERROR', message, {
    details: { agentStatus: res.status, conflict: res.status === 409 },
  });
}

const envPath = (environment: string): string => `/v1/environments/${encodeURIComponent(environment)}`;

export async function getEnvironmentStatusFull(
  h: AgentHandle,
  environment: string,
): Promise<EnvironmentStatusFull> {
  return call(h, 'GET', envPath(environment));
}

/** Releases of an environment as the contract shape (version, weight, state, instances). */
export async function getEnvironmentStatus(home: string, environment: string): Promise<ReleaseStatus[]> {
  const h = await ensureAgent(home);
  const s = await getEnvironmentStatusFull(h, environment);
  return s.releases.map((r) => ({
    version: r.version,
    weight: r.weight,
    state: r.state,
    instances: r.instances.map((i) => ({ pid: i.pid, port: i.port, healthy: i.healthy })),
  }));
}

export async function fetchReleaseMetrics(
  home: string,
  environment: string,
  range: { from: number; to: number },
): Promise<ReleaseWindowMetrics[]> {
  const h = await ensureAgent(home);
  return call(h, 'GET', `${envPath(environment)}/metrics?from=${range.from}&to=${range.to}`);
}

export async function configureTarget(
  h: AgentHandle,
  environment: string,
  target: TargetSpec,
): Promise<void> {
  await call(h, 'PUT', `${envPath(environment)}/target`, target);
}

export async function startRelease(
  h: AgentHandle,
  environment: string,
  release: { version: string; service?: ServiceSpec; state: ReleaseState; instances?: number },
): Promise<ReleaseStatusFull> {
  return call(h, 'POST', `${envPath(environment)}/releases`, release);
}

export async function scaleRelease(
  h: AgentHandle,
  environment: string,
  version: string,
  instances: number,
): Promise<void> {
  await call(h, 'POST', `${envPath(environment)}/releases/${encodeURIComponent(version)}/scale`, {
    instances,
  });
}

/** Moves traffic atomically; returns the agent's time of the switch. */
export async function setWeights(
  h: AgentHandle,
  environment: string,
  change: { weights: Record<string, number>; states?: Record<string, ReleaseState>; rolloutId?: string },
): Promise<{ at: number }> {
  return call(h, 'POST', `${envPath(environment)}/weights`, change);
}

export async function stopRelease(
  h: AgentHandle,
  environment: string,
  version: string,
  options: { afterMs: number; keep: boolean },
): Promise<void> {
  await call(h, 'POST', `${envPath(environment)}/releases/${encodeURIComponent(version)}/stop`, options);
}

export async function forgetRelease(h: AgentHandle, environment: string, version: string): Promise<void> {
  await call(h, 'DELETE', `${envPath(environment)}/releases/${encodeURIComponent(version)}`);
}

export async function beginRollout(
  h: AgentHandle,
  environment: string,
  rollout: { version: string; strategy: string },
): Promise<RolloutRecord> {
  return call(h, 'POST', `${envPath(environment)}/rollout`, { ...rollout, ownerPid: process.pid });
}

export async function endRollout(h: AgentHandle, environment: string, id: string): Promise<void> {
  await call(h, 'DELETE', `${envPath(environment)}/rollout/${encodeURIComponent(id)}`);
}

export async function sendCommand(
  h: AgentHandle,
  environment: string,
  action: 'promote' | 'abort',
  by: string,
): Promise<RolloutCommand> {
  return call(h, 'POST', `${envPath(environment)}/commands`, { action, by });
}

export async function commandsAfter(
  h: AgentHandle,
  environment: string,
  seq: number,
): Promise<RolloutCommand[]> {
  return call(h, 'GET', `${envPath(environment)}/commands?after=${seq}`);
}

export async function eventsAfter(h: AgentHandle, environment: string, seq: number): Promise<AgentEvent[]> {
  return call(h, 'GET', `${envPath(environment)}/events?after=${seq}`);
}
