// Incremental HTTP/1.x response parser for the router's upstream connections: status line and
// headers, then the body framed by content-length, chunked encoding (decoded) or connection close.
// Interim 1xx answers are skipped. It exists because node:http's client (ClientRequest + Agent)
// cost about twice the CPU of the whole rest of the proxy path per request.

export interface ResponseSink {
  /** Headers as [name, value, name, value, …] in received case, values latin1 like node:http. */
  onHead(status: number, statusText: string, headers: string[]): void;
  onData(chunk: Buffer): void;
}

export class UpstreamParseError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
}

const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_CRLF = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;
const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export class ResponseParser {
  private state = HEAD;
  private partial: Buffer | undefined;
  private remaining = 0;
  private line = '';
  private reusable = true;
  private readonly sink: ResponseSink;
  private readonly bodyless: boolean;

  /** bodyless: the request was HEAD, so the answer never has a body whatever its headers say. */
  constructor(sink: ResponseSink, bodyless: boolean) {
    this.sink = sink;
    this.bodyless = bodyless;
  }

  /** True once the message is complete and the connection may carry another request. */
  get keepAlive(): boolean {
    return this.reusable;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** Feeds received bytes; true when the response is complete. Throws UpstreamParseError. */
  feed(data: Buffer): boolean {
    let pos = 0;
    const n = data.length;
    while (pos < n || this.state === DONE) {
      switch (this.state) {
        case HEAD: {
          pos = this.head(data, pos);
          if (pos < 0) return false;
          break;
        }
        case LENGTH: {
          const take = Math.min(this.remaining, n - pos);
          this.sink.onData(pos === 0 && take === n ? data : data.subarray(pos, pos + take));
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = DONE;
          break;
        }
        case UNTIL_CLOSE: {
          this.sink.onData(pos === 0 ? data : data.subarray(pos));
          return false;
        }
        case CHUNK_SIZE: {
          pos = this.readLine(data, pos);
          if (pos < 0) return false;
          const size = Number.parseInt(this.line, 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]/.test(this.line))
            throw new UpstreamParseError(`invalid chunk size "${this.line.slice(0, 20)}"`);
          this.line = '';
          this.remaining = size;
          this.state = size === 0 ? TRAILERS : CHUNK_DATA;
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, n - pos);
          this.sink.onData(data.subarray(pos, pos + take));
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = CHUNK_CRLF;
            this.remaining = 2;
          }
          break;
        }
        case CHUNK_CRLF: {
          const take = Math.min(this.remaining, n - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          pos = this.readLine(data, pos);
          if (pos < 0) return false;
          const empty = this.line.length === 0;
          this.line = '';
          if (empty) this.state = DONE;
          break;
        }
        default: {
          // DONE: bytes after the response mean the upstream misbehaves; never reuse it
          if (pos < n) this.reusable = false;
          return true;
        }
      }
    }
    return false;
  }

  /** The upstream closed its side: true when that legitimately ends the response. */
  eof(): boolean {
    if (this.state === UNTIL_CLOSE) {
      this.state = DONE;
      return true;
    }
    return this.state === DONE;
  }

  private readLine(data: Buffer, pos: number): number {
    const nl = data.indexOf(10, pos);
    const end = nl < 0 ? data.length : nl;
    this.line += data.toString('latin1', pos, end);
    if (this.line.length > MAX_HEAD) throw new UpstreamParseError('chunk line too long');
    if (nl < 0) return -1;
    if (this.line.endsWith('\r')) this.line = this.line.slice(0, -1);
    return nl + 1;
  }

  /** Parses a complete head when present; answers the position after it, or -1 for more bytes. */
  private head(data: Buffer, pos: number): number {
    let buf = data;
    let base = pos;
    if (this.partial !== undefined) {
      buf = Buffer.concat([this.partial, data.subarray(pos)]);
      base = 0;
    }
    const end = buf.indexOf(CRLFCRLF, base);
    if (end < 0) {
      if (buf.length - base > MAX_HEAD) throw new UpstreamParseError('response head larger than 64 KiB');
      this.partial = Buffer.from(buf.subarray(base));
      return -1;
    }
    const consumedFromData = this.partial === undefined ? end + 4 : end + 4 - this.partial.length + pos;
    this.partial = undefined;
    this.parseHead(buf.toString('latin1', base, end));
    return consumedFromData;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const first = lines[0] as string;
    if (!first.startsWith('HTTP/1.') || first.charCodeAt(8) !== 32 || first.length < 12)
      throw new UpstreamParseError(`invalid status line "${first.slice(0, 40)}"`);
    const http10 = first.charCodeAt(7) === 48;
    const status = Number(first.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) throw new UpstreamParseError('invalid status code');
    const statusText = first.length > 13 ? first.slice(13) : '';
    const headers: string[] = [];
    let length = -1;
    let chunked = false;
    let close = http10;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i] as string;
      const c = l.indexOf(':');
      if (c <= 0) throw new UpstreamParseError(`invalid header line "${l.slice(0, 40)}"`);
      const name = l.slice(0, c);
      const value = l.slice(c + 1).trim();
      headers.push(name, value);
      const k = name.length;
      if (k === 14 || k === 17 || k === 10) {
        const lower = name.toLowerCase();
        if (lower === 'content-length') {
          const v = Number(value);
          if (!Number.isSafeInteger(v) || v < 0 || (length >= 0 && length !== v))
            throw new UpstreamParseError('invalid content-length');
          length = v;
        } else if (lower === 'transfer-encoding') {
          chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
        } else if (lower === 'connection') {
          const v = value.toLowerCase();
          if (v.includes('close')) close = true;
          else if (http10 && v.includes('keep-alive')) close = false;
        }
      }
    }
    if (status < 200 && status !== 101) {
      // interim answer (100 Continue, 103 Early Hints): the real one follows
      return;
    }
    this.sink.onHead(status, statusText, headers);
    this.reusable = !close && status !== 101;
    if (this.bodyless || status === 204 || status === 304 || status === 101) this.state = DONE;
    else if (chunked) this.state = CHUNK_SIZE;
    else if (length >= 0) {
      this.remaining = length;
      this.state = length === 0 ? DONE : LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
      this.reusable = false;
    }
  }
}
