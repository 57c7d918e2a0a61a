// The router's upstream response parser: every framing a backend may use, fed whole and split at
// every byte boundary (TCP delivers arbitrary pieces), must yield the same head and body.

import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/agent/response-parser.js';

interface Parsed {
  status: number;
  statusText: string;
  headers: string[];
  body: string;
  complete: boolean;
  keepAlive: boolean;
}

function parse(pieces: Buffer[], bodyless = false, eof = false): Parsed {
  const out: Parsed = { status: 0, statusText: '', headers: [], body: '', complete: false, keepAlive: false };
  const p = new ResponseParser(
    {
      onHead: (status, statusText, headers) => {
        out.status = status;
        out.statusText = statusText;
        out.headers = headers;
      },
      onData: (chunk) => {
        out.body += chunk.toString('latin1');
      },
    },
    bodyless,
  );
  for (const piece of pieces) {
    if (p.feed(piece)) out.complete = true;
  }
  if (eof && !out.complete) out.complete = p.eof();
  out.keepAlive = p.keepAlive;
  return out;
}

function everySplit(text: string, bodyless = false, eof = false): Parsed[] {
  const b = Buffer.from(text, 'latin1');
  const results = [parse([b], bodyless, eof)];
  for (let i = 1; i < b.length; i++) results.push(parse([b.subarray(0, i), b.subarray(i)], bodyless, eof));
  results.push(
    parse(
      [...b].map((x) => Buffer.from([x])),
      bodyless,
      eof,
    ),
  );
  return results;
}

describe('upstream response parser', () => {
  it('reads a content-length body and keeps the connection', () => {
    for (const r of everySplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello')) {
      expect(r).toEqual({
        status: 200,
        statusText: 'OK',
        headers: ['Content-Length', '5', 'X-A', 'b'],
        body: 'hello',
        complete: true,
        keepAlive: true,
      });
    }
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const text =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nB\r\n, world!!!!\r\n0\r\nX-T: 1\r\n\r\n';
    for (const r of everySplit(text)) {
      expect(r.status).toBe(201);
      expect(r.body).toBe('hello, world!!!!');
      expect(r.complete).toBe(true);
      expect(r.keepAlive).toBe(true);
    }
  });

  it('skips interim 1xx answers and reports the final one', () => {
    for (const r of everySplit(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
    )) {
      expect([r.status, r.body, r.complete]).toEqual([200, 'ok', true]);
    }
  });

  it('ends HEAD, 204 and 304 answers at the head whatever their length says', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n')], true).complete).toBe(true);
    expect(parse([Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')]).complete).toBe(true);
    expect(parse([Buffer.from('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')]).complete).toBe(
      true,
    );
  });

  it('reads an unframed body until the upstream closes and never reuses that connection', () => {
    for (const r of everySplit('HTTP/1.0 200 OK\r\n\r\nall of it', false, true)) {
      expect([r.body, r.complete, r.keepAlive]).toEqual(['all of it', true, false]);
    }
    expect(
      parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')]).keepAlive,
    ).toBe(false);
  });

  it('reports an incomplete body at close as not complete', () => {
    expect(
      parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')], false, true).complete,
    ).toBe(false);
  });

  it('rejects garbage with a parse error instead of guessing', () => {
    expect(() => parse([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')])).toThrow(/status line/);
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')])).toThrow(
      /chunk size/,
    );
  });
});
