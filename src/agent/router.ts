// The built-in router (the data plane): an HTTP reverse proxy on the environment's listen port. It
// picks a release by weight (or the client's sticky release cookie), then a healthy instance round
// robin, forwards over a keep-alive pool with X-Forwarded-*, retries a failed connect of an
// idempotent body-less request on another instance, tunnels WebSocket upgrades, records per-release
// metrics, and answers 503 with a clear body when nothing healthy can serve.

import http from 'node:http';
import net from 'node:net';
import type { Instance } from './instance.js';
import { pickInstance, pickTarget, type RoutingTable, type RoutingTarget } from './routing-table.js';
import { type UpstreamConnection, UpstreamPool } from './upstream-pool.js';

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

/**
 * The request head sent upstream: the client's headers in their order minus hop-by-hop ones, plus
 * X-Forwarded-For/-Proto/-Host (as node:http's client would have sent them before).
 */
function requestHead(req: http.IncomingMessage, port: number, body: boolean): string {
  const raw = req.rawHeaders;
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  let host: string | undefined;
  let xff: string | undefined;
  let xfh: string | undefined;
  let hasLength = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    if (name.length <= 17) {
      const lower = name.toLowerCase();
      if (HOP.has(lower) || lower === 'x-forwarded-proto') continue;
      if (lower === 'x-forwarded-for') {
        xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      }
      if (lower === 'x-forwarded-host') {
        xfh ??= value;
        continue;
      }
      if (lower === 'host') host ??= value;
      else if (lower === 'content-length') hasLength = true;
    }
    head += `${name}: ${value}\r\n`;
  }
  const remote = req.socket.remoteAddress ?? '';
  if (host === undefined) head += `host: 127.0.0.1:${port}\r\n`;
  head += `x-forwarded-for: ${xff ? `${xff}, ${remote}` : remote}\r\nx-forwarded-proto: http\r\n`;
  const fh = host ?? xfh;
  if (fh !== undefined) head += `x-forwarded-host: ${fh}\r\n`;
  if (body && !hasLength) head += 'transfer-encoding: chunked\r\n';
  return `${head}\r\n`;
}

/** Streams the client's request body upstream, re-chunking it when it came without a length. */
function sendBody(req: http.IncomingMessage, up: UpstreamConnection): void {
  const chunked = req.headers['content-length'] === undefined;
  const resume = (): void => {
    req.resume();
  };
  req.on('data', (c: Buffer) => {
    if (c.length === 0) return;
    let ok: boolean;
    if (chunked) {
      up.write(`${c.length.toString(16)}\r\n`);
      up.write(c);
      ok = up.write('\r\n');
    } else ok = up.write(c);
    if (!ok) {
      req.pause();
      up.socket.once('drain', resume);
    }
  });
  req.on('end', () => {
    if (chunked) up.write('0\r\n\r\n');
    up.endBody();
  });
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
  private readonly pool = new UpstreamPool();
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
      this.pool.destroy();
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
    let finished = false;
    const up = this.pool.acquire(inst.port, performance.now());
    const onClose = (): void => {
      if (!finished) {
        finished = true;
        up.abort();
        release();
      }
    };
    const resumeUpstream = (): void => {
      up.socket.resume();
    };
    up.begin(
      requestHead(req, inst.port, body),
      {
        onHead: (status, statusText, headers) => {
          res.writeHead(status, statusText, responseHeaders(headers, setCookie));
        },
        onData: (chunk) => {
          if (!res.write(chunk)) {
            up.socket.pause();
            res.once('drain', resumeUpstream);
          }
        },
        onEnd: () => {
          finished = true;
          res.off('close', onClose);
          release();
          res.end();
          target.metrics.record(performance.now() - t0, res.statusCode, Date.now());
        },
        onError: (err) => {
          finished = true;
          res.off('close', onClose);
          release();
          if (res.headersSent || res.destroyed) {
            target.metrics.record(performance.now() - t0, 502, Date.now());
            res.destroy();
            return;
          }
          this.failed(req, res, target, inst, attempt, t0, setCookie, body, err);
        },
      },
      req.method === 'HEAD',
      !body,
    );
    res.on('close', onClose);
    if (body) sendBody(req, up);
  }

  private failed(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: RoutingTarget,
    inst: Instance,
    attempt: number,
    t0: number,
    setCookie: string | undefined,
    body: boolean,
    err: NodeJS.ErrnoException,
  ): void {
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
