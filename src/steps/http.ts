// `http: {url, method, status, bodyContains}`: one request whose answer must match.

import { z } from 'zod';
import { RollgateError } from '../shared/errors.js';
import { defineStepKind } from './step-kind.js';

const httpSchema = z.union([
  z.string().min(1),
  z.strictObject({
    url: z.string().min(1),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    status: z
      .union([z.number().int(), z.array(z.number().int())])
      .optional()
      .meta({ description: 'Expected status (default: every 2xx status)' }),
    bodyContains: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
  }),
]);

type HttpParams = z.output<typeof httpSchema>;

function normalize(p: HttpParams) {
  return typeof p === 'string' ? { url: p, method: 'GET' as const } : p;
}

export const httpStep = defineStepKind<HttpParams>({
  kind: 'http',
  schema: httpSchema,
  describe: (p) => {
    const r = normalize(p);
    return `${r.method} ${r.url}`;
  },
  async execute(ctx, p) {
    const r = normalize(p);
    const started = Date.now();
    let res: Response;
    try {
      res = await fetch(r.url, {
        method: r.method,
        headers: 'headers' in r ? r.headers : undefined,
        body: 'body' in r ? r.body : undefined,
        signal: ctx.signal,
      });
    } catch (cause) {
      if (ctx.signal.aborted) throw cause;
      throw new RollgateError(
        'STEP_FAILED',
        `${r.method} ${r.url} failed: ${(cause as Error).cause ?? (cause as Error).message}`,
        { cause },
      );
    }
    const body = await res.text();
    const latencyMs = Date.now() - started;
    await ctx.record('http.response', {
      url: r.url,
      method: r.method,
      status: res.status,
      latencyMs,
      bytes: body.length,
    });
    const expected = 'status' in r && r.status !== undefined ? ([] as number[]).concat(r.status) : undefined;
    const statusOk = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!statusOk) {
      throw new RollgateError(
        'STEP_FAILED',
        `${r.method} ${r.url} answered ${res.status}, expected ${expected ? expected.join(' or ') : '2xx'}`,
      );
    }
    if ('bodyContains' in r && r.bodyContains !== undefined && !body.includes(r.bodyContains)) {
      throw new RollgateError(
        'STEP_FAILED',
        `${r.method} ${r.url} answered ${res.status} but the body does not contain ${JSON.stringify(r.bodyContains)}`,
      );
    }
    return { summary: `${res.status} in ${latencyMs}ms`, data: { status: res.status, latencyMs } };
  },
});
