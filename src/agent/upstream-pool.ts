// The router's keep-alive connections to instances: raw TCP sockets (no Nagle) reused LIFO per
// port, one request at a time each, the response framed by ResponseParser. Replaces node:http's
// Agent + ClientRequest, whose per-request bookkeeping was the largest cost of the data plane.

import net from 'node:net';
import { ResponseParser, type ResponseSink } from './response-parser.js';

export interface ExchangeHandler extends ResponseSink {
  /** The response is complete; the connection is already back in the pool (or closed). */
  onEnd(): void;
  /** Connect failure, reset, or the upstream closed before the response completed. */
  onError(err: NodeJS.ErrnoException): void;
}

/** Idle connections older than this are not reused: Node servers close idle ones after 5 s. */
const IDLE_REUSE_MS = 4000;
const MAX_IDLE_PER_PORT = 512;

function hangUp(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('the instance closed the connection before answering');
  err.code = 'ECONNRESET';
  return err;
}

export class UpstreamConnection {
  readonly socket: net.Socket;
  readonly port: number;
  idleSince = 0;
  private handler: ExchangeHandler | undefined;
  private parser: ResponseParser | undefined;
  private requestSent = true;
  private readonly pool: UpstreamPool;

  constructor(pool: UpstreamPool, port: number) {
    this.pool = pool;
    this.port = port;
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('end', () => this.onEof());
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
    this.socket.on('close', () => {
      this.pool.forget(this);
      this.fail(hangUp());
    });
  }

  /** Starts one exchange; requestComplete false means a body follows through write()/endBody(). */
  begin(head: string, handler: ExchangeHandler, bodyless: boolean, requestComplete: boolean): void {
    this.handler = handler;
    this.parser = new ResponseParser(handler, bodyless);
    this.requestSent = requestComplete;
    this.socket.write(head, 'latin1');
  }

  /** Writes request body bytes; false asks the caller to wait for 'drain' on socket. */
  write(chunk: Buffer | string): boolean {
    if (this.handler === undefined) return true;
    return typeof chunk === 'string' ? this.socket.write(chunk, 'latin1') : this.socket.write(chunk);
  }

  endBody(): void {
    this.requestSent = true;
  }

  /** The client went away: drop the exchange and the connection (it may be mid-response). */
  abort(): void {
    this.handler = undefined;
    this.parser = undefined;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    const parser = this.parser;
    if (parser === undefined) {
      // bytes on an idle connection: it is out of step, never reuse it
      this.socket.destroy();
      return;
    }
    let complete: boolean;
    try {
      complete = parser.feed(d);
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException);
      return;
    }
    if (complete) this.finish(parser.keepAlive && this.requestSent);
  }

  private onEof(): void {
    const parser = this.parser;
    if (parser?.eof()) this.finish(false);
    else this.fail(hangUp());
  }

  private finish(reuse: boolean): void {
    const h = this.handler;
    this.handler = undefined;
    this.parser = undefined;
    if (reuse) this.pool.release(this);
    else this.socket.destroy();
    h?.onEnd();
  }

  private fail(err: NodeJS.ErrnoException): void {
    const h = this.handler;
    if (h === undefined) return;
    this.handler = undefined;
    this.parser = undefined;
    this.socket.destroy();
    h.onError(err);
  }
}

export class UpstreamPool {
  private readonly idle = new Map<number, UpstreamConnection[]>();
  private readonly open = new Set<UpstreamConnection>();

  /** A connection to 127.0.0.1:port, reused when a fresh idle one exists. now: performance.now(). */
  acquire(port: number, now: number): UpstreamConnection {
    const list = this.idle.get(port);
    while (list !== undefined && list.length > 0) {
      const c = list.pop() as UpstreamConnection;
      if (now - c.idleSince < IDLE_REUSE_MS && !c.socket.destroyed) return c;
      c.socket.destroy();
    }
    const c = new UpstreamConnection(this, port);
    this.open.add(c);
    return c;
  }

  release(c: UpstreamConnection): void {
    let list = this.idle.get(c.port);
    if (list === undefined) {
      list = [];
      this.idle.set(c.port, list);
    }
    if (list.length >= MAX_IDLE_PER_PORT) {
      c.socket.destroy();
      return;
    }
    c.idleSince = performance.now();
    list.push(c);
  }

  forget(c: UpstreamConnection): void {
    this.open.delete(c);
    const list = this.idle.get(c.port);
    if (list === undefined) return;
    const i = list.indexOf(c);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.idle.delete(c.port);
  }

  destroy(): void {
    for (const c of this.open) c.socket.destroy();
    this.open.clear();
    this.idle.clear();
  }
}
