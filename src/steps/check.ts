// `check`: pre-flight checks of the environment. Every sub-check runs (so one report lists every
// missing piece) and each result is recorded as evidence; any failure fails the step.

import { statfs } from 'node:fs/promises';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { RollgateError } from '../shared/errors.js';
import { runProcess } from './process-runner.js';
import { defineStepKind, type StepContext } from './step-kind.js';

const sizePattern = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/i;
const sizeUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return text;
  const m = sizePattern.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (sizeUnits[(m[2] ?? 'b').toLowerCase()] as number);
}

const sizeSchema = z.union([z.number().min(0), z.string()]).refine((v) => parseSize(v) !== undefined, {
  error: 'expected a size such as 500MB or 2GB',
});

const checkSchema = z.strictObject({
  env: z
    .array(z.string())
    .optional()
    .meta({ description: 'Environment variables that must be set and non-empty' }),
  tcp: z.array(z.string().regex(/^.+:\d+$/, { error: 'expected host:port' })).optional(),
  http: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .meta({ description: 'URL(s) that must answer 2xx' }),
  disk: z.strictObject({ path: z.string().default('.'), minFree: sizeSchema }).optional(),
  command: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .meta({ description: 'Command(s) that must exit 0' }),
});

type CheckParams = z.output<typeof checkSchema>;

interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

function tcpCheck(target: string, signal: AbortSignal): Promise<CheckResult> {
  const i = target.lastIndexOf(':');
  const host = target.slice(0, i);
  const port = Number(target.slice(i + 1));
  return new Promise((done) => {
    const started = Date.now();
    const socket = connect({ host, port, timeout: 3000 });
    const finish = (ok: boolean, detail: string) => {
      socket.destroy();
      done({ check: `tcp ${target}`, ok, detail });
    };
    socket.once('connect', () => finish(true, `connected in ${Date.now() - started}ms`));
    socket.once('timeout', () => finish(false, 'timed out after 3s'));
    socket.once('error', (e) => finish(false, e.message));
    signal.addEventListener('abort', () => finish(false, 'cancelled'), { once: true });
  });
}

async function httpCheck(url: string, signal: AbortSignal): Promise<CheckResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) });
    await res.arrayBuffer();
    return { check: `http ${url}`, ok: res.ok, detail: `status ${res.status}` };
  } catch (e) {
    return { check: `http ${url}`, ok: false, detail: String((e as Error).cause ?? (e as Error).message) };
  }
}

async function diskCheck(ctx: StepContext, path: string, minFree: string | number): Promise<CheckResult> {
  const full = resolve(ctx.planDir, path);
  const need = parseSize(minFree) as number;
  try {
    const s = await statfs(full);
    const free = s.bavail * s.bsize;
    return {
      check: `disk ${path}`,
      ok: free >= need,
      detail: `${(free / 1e9).toFixed(2)} GB free, need ${(need / 1e9).toFixed(2)} GB`,
    };
  } catch (e) {
    return { check: `disk ${path}`, ok: false, detail: (e as Error).message };
  }
}

async function commandCheck(ctx: StepContext, command: string): Promise<CheckResult> {
  const r = await runProcess({
    command,
    cwd: ctx.planDir,
    env: ctx.env,
    signal: ctx.signal,
    onLine: (l) => ctx.log(l),
  });
  return { check: `command ${command}`, ok: r.exitCode === 0, detail: `exit ${r.exitCode ?? r.signal}` };
}

export const checkStep = defineStepKind<CheckParams>({
  kind: 'check',
  schema: checkSchema,
  describe: (p) => {
    const parts: string[] = [];
    if (p.env?.length) parts.push(`env ${p.env.join(', ')}`);
    if (p.tcp?.length) parts.push(`tcp ${p.tcp.join(', ')}`);
    if (p.http) parts.push(`http ${([] as string[]).concat(p.http).join(', ')}`);
    if (p.disk) parts.push(`disk ${p.disk.path} >= ${p.disk.minFree}`);
    if (p.command) parts.push(`command ${([] as string[]).concat(p.command).join(', ')}`);
    return `check ${parts.join('; ') || '(nothing)'}`;
  },
  async execute(ctx, p) {
    const results: CheckResult[] = [];
    for (const name of p.env ?? []) {
      const v = ctx.env[name];
      results.push({
        check: `env ${name}`,
        ok: v !== undefined && v !== '',
        detail: v === undefined ? 'not set' : v === '' ? 'empty' : 'set',
      });
    }
    results.push(...(await Promise.all((p.tcp ?? []).map((t) => tcpCheck(t, ctx.signal)))));
    results.push(
      ...(await Promise.all(([] as string[]).concat(p.http ?? []).map((u) => httpCheck(u, ctx.signal)))),
    );
    if (p.disk) results.push(await diskCheck(ctx, p.disk.path, p.disk.minFree));
    for (const c of ([] as string[]).concat(p.command ?? [])) results.push(await commandCheck(ctx, c));
    for (const r of results) {
      await ctx.record('check.result', { ...r });
      ctx.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.check}: ${r.detail}`);
    }
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new RollgateError(
        'STEP_FAILED',
        `${failed.length} of ${results.length} checks failed: ${failed.map((f) => `${f.check} (${f.detail})`).join('; ')}`,
      );
    }
    return { summary: `${results.length} checks passed`, data: { checks: results.length } };
  },
});
