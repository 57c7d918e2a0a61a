// The http provider against a real local HTTP server and the command provider with real shell
// commands: values, samples, paths, and errors that say what went wrong.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricConfig } from '../../../src/plan/types.js';
import { createCommandMetricProvider } from '../../../src/providers/metrics/command-metric-provider.js';
import { createHttpMetricProvider, readPath } from '../../../src/providers/metrics/http-metric-provider.js';
import { fillTemplate, type MetricQuery } from '../../../src/providers/metrics/metric-provider.js';

function query(provider: MetricConfig['provider'], q: string, url?: string, version = '2.0.0'): MetricQuery {
  const range = { from: 1_700_000_000_000, to: 1_700_000_060_000 };
  const vars = { version, role: 'canary' as const, environment: 'staging', range };
  return {
    metric: { name: 'm', provider, query: q },
    query: fillTemplate(q, vars),
    ...(url !== undefined && { url: fillTemplate(url, vars) }),
    role: 'canary',
    version,
    environment: 'staging',
    home: '/',
    range,
    signal: new AbortController().signal,
  };
}

describe('http provider', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.startsWith('/broken')) {
        res.statusCode = 503;
        res.end('down');
        return;
      }
      if (req.url?.startsWith('/text')) {
        res.end('not json');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          stats: { errorRate: 0.042, latencies: [10, 12, 15] },
          items: [{ v: '7' }],
          label: 'x',
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads a field by path, with {{version}} filled into the URL', async () => {
    const r = await createHttpMetricProvider().read(
      query('http', 'stats.errorRate', `${base}/stats?version={{version}}`),
    );
    expect(r).toMatchObject({ value: 0.042, sampleCount: 1 });
    expect(seen.at(-1)).toBe('/stats?version=2.0.0');
  });

  it('arrays become samples; numeric strings and $-paths work; a missing field is no data', async () => {
    const p = createHttpMetricProvider();
    expect(await p.read(query('http', '$.stats.latencies', `${base}/s`))).toMatchObject({
      samples: [10, 12, 15],
      sampleCount: 3,
    });
    expect((await p.read(query('http', 'items[0].v', `${base}/s`))).value).toBe(7);
    expect(await p.read(query('http', 'stats.nothing', `${base}/s`))).toMatchObject({
      value: null,
      sampleCount: 0,
    });
    expect(readPath({ a: [{ b: 1 }] }, 'a[0].b')).toBe(1);
  });

  it('non-numbers, HTTP errors and non-JSON are provider errors', async () => {
    const p = createHttpMetricProvider();
    await expect(p.read(query('http', 'label', `${base}/s`))).rejects.toThrow(
      'field label is "x", not a number',
    );
    await expect(p.read(query('http', 'x', `${base}/broken?token=secret`))).rejects.toThrow(
      `GET ${base}/broken answered 503`,
    );
    await expect(p.read(query('http', 'x', `${base}/broken?token=secret`))).rejects.not.toThrow(/secret/);
    await expect(p.read(query('http', 'x', `${base}/text`))).rejects.toThrow('did not answer JSON');
  });
});

describe('command provider', () => {
  const p = createCommandMetricProvider();
  it('reads a bare number, and passes the release and window in the environment', async () => {
    expect((await p.read(query('command', 'echo 0.25'))).value).toBe(0.25);
    const r = await p.read(
      query(
        'command',
        'echo "{\\"value\\": $(printf %s "$ROLLGATE_VERSION" | wc -c), \\"count\\": $((ROLLGATE_TO - ROLLGATE_FROM))}"',
      ),
    );
    expect(r).toMatchObject({ value: 5, sampleCount: 60_000 });
  });

  it('reads JSON arrays as samples and {value, samples}', async () => {
    expect(await p.read(query('command', 'echo "[1, 2, 3]"'))).toMatchObject({
      samples: [1, 2, 3],
      value: 3,
    });
    expect(await p.read(query('command', `echo '{"value": null, "samples": [4, 5]}'`))).toMatchObject({
      value: null,
      samples: [4, 5],
    });
    expect(await p.read(query('command', 'true'))).toMatchObject({ value: null, sampleCount: 0 });
  });

  it('a failing command or unreadable output is a provider error with the reason', async () => {
    await expect(p.read(query('command', 'echo "no route to db" >&2; exit 3'))).rejects.toThrow(
      'metric command exited 3: no route to db',
    );
    await expect(p.read(query('command', 'echo hello'))).rejects.toThrow(
      'printed "hello", not a number or JSON',
    );
  });

  it('stopping the analysis kills the command', async () => {
    const stop = new AbortController();
    const q = { ...query('command', 'sleep 30'), signal: stop.signal };
    const pending = p.read(q);
    setTimeout(() => stop.abort(), 100);
    await expect(pending).rejects.toThrow('metric command stopped');
  });
});
