// The agent's control API: JSON over HTTP on 127.0.0.1, every request authenticated with the
// bearer token from ${home}/agent/token. Routes map one-to-one onto EnvironmentRuntime operations.

import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Registry } from 'prom-client';
import { AgentConflict, AgentNotFound, type EnvironmentRuntime } from './environment-runtime.js';
import type { ReleaseState, ServiceSpec, TargetSpec } from './types.js';

export interface ControlApiHost {
  pid: number;
  startedAt: number;
  token: string;
  registry: Registry;
  environment(name: string, create: boolean): EnvironmentRuntime | undefined;
  environmentNames(): string[];
  configureTarget(env: EnvironmentRuntime, target: TargetSpec): Promise<void>;
  flush(): void;
  shutdown(stopInstances: boolean): void;
}

class BadRequest extends Error {}

type Handler = (
  host: ControlApiHost,
  m: string[],
  body: Record<string, unknown>,
  url: URL,
) => Promise<unknown>;

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new BadRequest(`field ${key} must be a non-empty string`);
  return v;
}
function num(body: Record<string, unknown>, key: string, fallback?: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`field ${key} must be a number`);
  return v;
}
function env(host: ControlApiHost, name: string | undefined, create = false): EnvironmentRuntime {
  const e = host.environment(decodeURIComponent(name ?? ''), create);
  if (e === undefined) throw new AgentNotFound(`environment ${name} has no releases on this agent`);
  return e;
}

const routes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/v1\/health$/,
    async (h) => ({ pid: h.pid, startedAt: h.startedAt, environments: h.environmentNames() }),
  ],
  [
    'GET',
    /^\/v1\/environments\/([^/]+)$/,
    async (h, m) => {
      const e = h.environment(decodeURIComponent(m[1] ?? ''), false);
      return e === undefined
        ? { environment: m[1], target: null, releases: [], rollout: null, lastEventSeq: 0, lastCommandSeq: 0 }
        : e.status();
    },
  ],
  [
    'PUT',
    /^\/v1\/environments\/([^/]+)\/target$/,
    async (h, m, b) => {
      const e = env(h, m[1], true);
      await h.configureTarget(e, b as unknown as TargetSpec);
      return e.status();
    },
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/releases$/,
    async (h, m, b) => {
      const e = env(h, m[1], true);
      const r = e.startRelease(
        str(b, 'version'),
        b.service as ServiceSpec | undefined,
        str(b, 'state') as ReleaseState,
        b.instances === undefined ? undefined : num(b, 'instances'),
      );
      return r.status();
    },
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/releases\/([^/]+)\/scale$/,
    async (h, m, b) => {
      env(h, m[1]).scaleRelease(decodeURIComponent(m[2] ?? ''), num(b, 'instances'));
      return { ok: true };
    },
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/releases\/([^/]+)\/stop$/,
    async (h, m, b) => {
      env(h, m[1]).stopRelease(decodeURIComponent(m[2] ?? ''), num(b, 'afterMs', 0), b.keep === true);
      return { ok: true };
    },
  ],
  [
    'DELETE',
    /^\/v1\/environments\/([^/]+)\/releases\/([^/]+)$/,
    async (h, m) => {
      await env(h, m[1]).forgetRelease(decodeURIComponent(m[2] ?? ''));
      return { ok: true };
    },
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/weights$/,
    async (h, m, b) => {
      const e = env(h, m[1]);
      const at = Date.now();
      e.setWeights(
        (b.weights ?? {}) as Record<string, number>,
        (b.states ?? {}) as Record<string, ReleaseState>,
        typeof b.rolloutId === 'string' ? b.rolloutId : undefined,
      );
      return { ok: true, at };
    },
  ],
  [
    'GET',
    /^\/v1\/environments\/([^/]+)\/metrics$/,
    async (h, m, _b, url) => {
      const e = h.environment(decodeURIComponent(m[1] ?? ''), false);
      if (e === undefined) return [];
      const from = Number(url.searchParams.get('from') ?? 0);
      const to = Number(url.searchParams.get('to') ?? Date.now());
      return e.releases.map((r) => ({ version: r.version, ...r.metrics.window(from, to) }));
    },
  ],
  [
    'GET',
    /^\/v1\/environments\/([^/]+)\/events$/,
    async (h, m, _b, url) => env(h, m[1], true).eventsAfter(Number(url.searchParams.get('after') ?? 0)),
  ],
  [
    'GET',
    /^\/v1\/environments\/([^/]+)\/commands$/,
    async (h, m, _b, url) => env(h, m[1], true).commandsAfter(Number(url.searchParams.get('after') ?? 0)),
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/commands$/,
    async (h, m, b) => {
      const action = str(b, 'action');
      if (action !== 'promote' && action !== 'abort') throw new BadRequest('action must be promote or abort');
      return env(h, m[1], true).command(action, typeof b.by === 'string' ? b.by : 'unknown');
    },
  ],
  [
    'POST',
    /^\/v1\/environments\/([^/]+)\/rollout$/,
    async (h, m, b) =>
      env(h, m[1], true).beginRollout(str(b, 'version'), str(b, 'strategy'), num(b, 'ownerPid')),
  ],
  [
    'DELETE',
    /^\/v1\/environments\/([^/]+)\/rollout\/([^/]+)$/,
    async (h, m) => {
      env(h, m[1], true).endRollout(decodeURIComponent(m[2] ?? ''));
      return { ok: true };
    },
  ],
  [
    'POST',
    /^\/v1\/shutdown$/,
    async (h, _m, b) => {
      setImmediate(() => h.shutdown(b.stopInstances !== false));
      return { ok: true };
    },
  ],
];

function authorized(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createControlServer(host: ControlApiHost): http.Server {
  return http.createServer((req, res) => {
    if (!authorized(req.headers.authorization, host.token)) {
      send(res, 401, { error: 'missing or wrong agent token' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://agent');
    if (req.method === 'GET' && url.pathname === '/metrics') {
      host.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': host.registry.contentType }).end(text),
        (err: unknown) => send(res, 500, { error: String(err) }),
      );
      return;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
    });
    req.on('end', () => {
      void (async () => {
        try {
          const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
          for (const [method, pattern, handler] of routes) {
            if (method !== req.method) continue;
            const m = pattern.exec(url.pathname);
            if (m === null) continue;
            const value = await handler(host, [...m], body, url);
            if (method !== 'GET') host.flush();
            send(res, 200, value);
            return;
          }
          send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
        } catch (err) {
          const status =
            err instanceof BadRequest || err instanceof SyntaxError
              ? 400
              : err instanceof AgentNotFound
                ? 404
                : err instanceof AgentConflict
                  ? 409
                  : 500;
          send(res, status, { error: err instanceof Error ? err.message : String(err) });
        }
      })();
    });
  });
}
