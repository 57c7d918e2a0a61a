// The built-in router (the data plane): an HTTP reverse proxy on the environment's listen port. It
// picks a release by weight (or the client's sticky release cookie), then a healthy instance round
// robin, forwards over a keep-alive pool with X-Forwarded-*, retries a failed connect of an
// idempotent body-less request on another instance, tunnels WebSocket upgrades, records per-release
// metrics, and answers 503 with a clear body when nothing healthy can serve.

import http from 'node:http';
import net from 'node:net';
import type { Instance } from './instance.js';
import { pickInstance, pickTarget, type RoutingTable, type RoutingTarget } from './routing-table.js';

export const STICKY_COOKIE = 'rollgate_release';

export interface RouterOptions {
  host: string;
  port: number;
  sticky: boolean;
  table(): RoutingTable;
  label: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const MAX_ATTEMPTS = 3;

function stickyVersionOf(cookie: string | undefined): string | undefined {
  if (cookie === undefined) return undefined;
  const i = cookie.indexOf(`${STICKY_COOKIE}=`);
  if (i < 0) return undefined;
  const start = i + STICKY_COOKIE.length + 1;
  const end = cookie.indexOf(';', start);
  return decodeURIComponent(cookie.slice(start, end < 0 ? undefined : end).trim());
}

function hasBody(req: http.IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined
    ? req.headers['content-length'] !== '0'
    : req.headers['transfer-encoding'] !== undefined;
}

function upstreamHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const h: http.OutgoingHttpHeaders = {};
  const raw = req.headers;
  for (const k in raw) {
    if (!HOP.has(k)) h[k] = raw[k];
  }
  const remote = req.socket.remoteAddress ?? '';
  const prior = raw['x-forwarded-for'];
  h['x-forwarded-for'] = prior ? `${prior}, ${remote}` : remote;
  h['x-forwarded-proto'] = 'http';
  if (raw.host !== undefined) h['x-forwarded-host'] = raw.host;
  return h;
}

function responseHeaders(raw: string[], setCookie: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length <= 17 && HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1] as string);
  }
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}

export class Router {
  readonly server: http.Server;
  private readonly opts: RouterOptions;
  private readonly agent = new http.Agent({
    keepAlive: true,
    maxSockets: 512,
    maxFreeSockets: 512,
    scheduling: 'lifo',
    // why: forwarded to net.createConnection; Nagle on upstream sockets delays small answers
    noDelay: true,
  } as http.AgentOptions);
  private readonly sockets = new Set<net.Socket>();

  constructor(opts: RouterOptions) {
    this.opts = opts;
    this.server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as net.Socket, head));
    this.server.on('connection', (s: net.Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : this.opts.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.agent.destroy();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const table = this.opts.table();
    const sticky = this.opts.sticky ? stickyVersionOf(req.headers.cookie) : undefined;
    const target = pickTarget(table, sticky);
    if (target === undefined) {
      this.unavailable(res, table);
      return;
    }
    const inst = pickInstance(target);
    if (inst === undefined) {
      this.unavailable(res, table);
      return;
    }
    const setCookie =
      this.opts.sticky && sticky !== target.version
        ? `${STICKY_COOKIE}=${encodeURIComponent(target.version)}; Path=/; HttpOnly; SameSite=Lax`
        : undefined;
    this.forward(req, res, target, inst, 1, performance.now(), setCookie);
  }

  private unavailable(res: http.ServerResponse, table: RoutingTable): void {
    const body = `503 Service Unavailable: no healthy instance can serve ${this.opts.label} (${table.describe})\n`;
    res.writeHead(503, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: RoutingTarget,
    inst: Instance,
    attempt: number,
    t0: number,
    setCookie: string | undefined,
  ): void {
    inst.inflight++;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        inst.inflight--;
      }
    };
    const body = hasBody(req);
    const up = http.request({
      host: '127.0.0.1',
      port: inst.port,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req),
      agent: this.agent,
    });
    up.on('response', (ur) => {
      const status = ur.statusCode ?? 502;
      res.writeHead(status, ur.statusMessage, responseHeaders(ur.rawHeaders, setCookie));
      ur.pipe(res);
      ur.on('end', () => {
        release();
        target.metrics.record(performance.now() - t0, status, Date.now());
      });
      ur.on('error', () => {
        release();
        target.metrics.record(performance.now() - t0, 502, Date.now());
        res.destroy();
      });
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      release();
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const method = req.method ?? 'GET';
      if (attempt < MAX_ATTEMPTS && !body && IDEMPOTENT.has(method) && RETRY_CODES.has(err.code ?? '')) {
        // a stale keep-alive socket or an instance that just went away: try another one
        const table = this.opts.table();
        const next =
          pickInstance(target, inst) !== undefined ? target : (pickTarget(table, undefined) ?? target);
        const nextInst = pickInstance(next, inst) ?? (err.code === 'ECONNREFUSED' ? undefined : inst);
        if (nextInst !== undefined) {
          this.forward(req, res, next, nextInst, attempt + 1, t0, setCookie);
          return;
        }
      }
      target.metrics.record(performance.now() - t0, 502, Date.now());
      const text = `502 Bad Gateway: instance ${inst.id} on port ${inst.port} failed: ${err.code ?? err.message}\n`;
      res.writeHead(502, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        up.destroy();
        release();
      }
    });
    if (body) req.pipe(up);
    else up.end();
  }

  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const table = this.opts.table();
    const sticky = this.opts.sticky ? stickyVersionOf(req.headers.cookie) : undefined;
    const target = pickTarget(table, sticky);
    const inst = target === undefined ? undefined : pickInstance(target);
    if (target === undefined || inst === undefined) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    inst.inflight++;
    let released = false;
    const done = (): void => {
      if (released) return;
      released = true;
      inst.inflight--;
      socket.destroy();
      up.destroy();
    };
    const up = net.connect(inst.port, '127.0.0.1', () => {
      let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
      text += `x-forwarded-for: ${req.socket.remoteAddress ?? ''}\r\nx-forwarded-proto: http\r\n\r\n`;
      up.write(text);
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
      target.metrics.record(0, 101, Date.now());
    });
    up.setNoDelay(true);
    up.on('error', done);
    up.on('close', done);
    socket.on('error', done);
    socket.on('close', done);
  }
}
