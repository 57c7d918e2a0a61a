// Runs one metric of a gate: measures on its schedule, records every measurement as evidence, and
// applies failureLimit, inconclusiveLimit and consecutiveErrorLimit. No data is never a pass: a
// metric that never produced a judged measurement ends NoData (inconclusive).

import type { MetricConfig } from '../plan/types.js';
import {
  fillTemplate,
  type MetricProvider,
  type MetricReading,
  type ReleaseRole,
} from '../providers/metrics/metric-provider.js';
import { type Condition, checkThreshold } from './condition.js';
import type { ScoredClass, Verdict } from './gate-score.js';
import { judge } from './judge.js';
import type { MetricSchedule } from './metric-schedule.js';

export interface MetricRunOptions {
  gateName: string;
  metric: MetricConfig;
  condition: Condition;
  schedule: MetricSchedule;
  provider: MetricProvider;
  environment: string;
  home: string;
  canaryVersion: string;
  stableVersion: string | null;
  /** Stops measuring: the gate is decided, or the analysis was stopped. */
  signal: AbortSignal;
  record(kind: string, data: Record<string, unknown>): Promise<number>;
  log(line: string): void;
}

export interface MetricOutcome {
  name: string;
  verdict: Verdict;
  class: ScoredClass;
  dryRun: boolean;
  critical: boolean;
  weight: number;
  /** Names the metric, the value, the condition and when. */
  reason: string;
  measurements: number;
  passed: number;
  failed: number;
  inconclusive: number;
  errors: number;
  /** Value of the decisive measurement (the failing one, or the last). */
  value: number | null;
  condition: string;
  /** Time of the decisive measurement, epoch ms. */
  at: number | null;
  /** Event id of the decisive measurement. */
  eventId: number | null;
  /** Ended by the signal before its schedule finished. */
  stopped: boolean;
}

type MeasurementVerdict = 'pass' | 'fail' | 'inconclusive' | 'error';

interface Measurement {
  verdict: MeasurementVerdict;
  class: ScoredClass;
  value: number | null;
  sampleCount: number;
  text: string;
  facts: Record<string, unknown>;
}

export const limitDefaults = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  minSamples: 1,
} as const;

export async function runMetric(o: MetricRunOptions): Promise<MetricOutcome> {
  const { metric, schedule } = o;
  const failureLimit = metric.failureLimit ?? limitDefaults.failureLimit;
  const inconclusiveLimit = metric.inconclusiveLimit ?? limitDefaults.inconclusiveLimit;
  const errorLimit = metric.consecutiveErrorLimit ?? limitDefaults.consecutiveErrorLimit;
  const out: MetricOutcome = {
    name: metric.name,
    verdict: 'inconclusive',
    class: 'NoData',
    dryRun: metric.dryRun ?? false,
    critical: metric.critical ?? false,
    weight: metric.weight ?? 1,
    reason: '',
    measurements: 0,
    passed: 0,
    failed: 0,
    inconclusive: 0,
    errors: 0,
    value: null,
    condition: o.condition.text,
    at: null,
    eventId: null,
    stopped: false,
  };
  const start = Date.now();
  let from = start;
  let consecutiveErrors = 0;
  let last: { m: Measurement; at: number; eventId: number } | undefined;
  const total = Number.isFinite(schedule.count) ? `${schedule.count}` : '∞';
  for (let i = 0; i < schedule.count; i++) {
    if (!(await sleepUntil(start + (i + 1) * schedule.intervalMs, o.signal))) break;
    const to = Date.now();
    const range = { from, to };
    const m = await measure(o, range);
    if (o.signal.aborted) break; // the gate was decided while this read was in flight
    from = to;
    out.measurements++;
    const eventId = await o.record('analysis.measurement', {
      gate: o.gateName,
      metric: metric.name,
      provider: metric.provider,
      query: metric.query,
      index: i + 1,
      of: Number.isFinite(schedule.count) ? schedule.count : null,
      from: range.from,
      to,
      time: to,
      value: m.value,
      sampleCount: m.sampleCount,
      condition: o.condition.text,
      verdict: m.verdict,
      class: m.class,
      reason: m.text,
      dryRun: out.dryRun,
      ...m.facts,
    });
    last = { m, at: to, eventId };
    const when = `at ${new Date(to).toISOString()} (measurement ${i + 1} of ${total})`;
    o.log(`${o.gateName}/${metric.name}: ${m.verdict}: ${m.text}${out.dryRun ? ' [dryRun]' : ''}`);
    if (m.verdict === 'error') {
      out.errors++;
      consecutiveErrors++;
      if (consecutiveErrors > errorLimit) {
        return finish(
          out,
          'fail',
          'Error',
          m,
          to,
          eventId,
          `${metric.name}: provider ${metric.provider} failed ${consecutiveErrors} times in a row (consecutiveErrorLimit ${errorLimit}); last: ${m.text} ${when}`,
        );
      }
      continue;
    }
    consecutiveErrors = 0;
    if (m.verdict === 'pass') out.passed++;
    else if (m.verdict === 'fail') {
      out.failed++;
      if (out.failed > failureLimit) {
        return finish(
          out,
          'fail',
          m.class,
          m,
          to,
          eventId,
          `${metric.name}: ${m.text} ${when}${limitNote(out.failed, failureLimit, 'failureLimit')}`,
        );
      }
    } else {
      out.inconclusive++;
      if (out.inconclusive > inconclusiveLimit) {
        return finish(
          out,
          'inconclusive',
          'NoData',
          m,
          to,
          eventId,
          `${metric.name}: ${m.text} ${when}${limitNote(out.inconclusive, inconclusiveLimit, 'inconclusiveLimit')}`,
        );
      }
    }
  }
  out.stopped = o.signal.aborted;
  if (out.passed + out.failed === 0) {
    const why =
      out.measurements === 0
        ? 'stopped before its first measurement'
        : `${out.measurements} measurement(s), none with data`;
    const lastText = last ? `; last: ${last.m.text} at ${new Date(last.at).toISOString()}` : '';
    return finish(
      out,
      'inconclusive',
      'NoData',
      last?.m,
      last?.at ?? null,
      last?.eventId ?? null,
      `${metric.name}: no data: ${why}${lastText}`,
    );
  }
  return finish(
    out,
    'pass',
    'Pass',
    last?.m,
    last?.at ?? null,
    last?.eventId ?? null,
    `${metric.name}: ${last?.m.text ?? ''} (${out.passed} of ${out.measurements} measurements passed${out.failed ? `, ${out.failed} failed within failureLimit ${failureLimit}` : ''})`,
  );
}

function finish(
  out: MetricOutcome,
  verdict: Verdict,
  cls: ScoredClass,
  m: Measurement | undefined,
  at: number | null,
  eventId: number | null,
  reason: string,
): MetricOutcome {
  out.verdict = verdict;
  out.class = cls;
  out.value = m?.value ?? null;
  out.at = at;
  out.eventId = eventId;
  out.reason = reason;
  return out;
}

function limitNote(n: number, limit: number, name: string): string {
  return limit > 0 ? `; ${n} exceeds ${name} ${limit}` : '';
}

async function measure(o: MetricRunOptions, range: { from: number; to: number }): Promise<Measurement> {
  const c = o.condition;
  try {
    if (c.kind === 'threshold') {
      const r = await read(o, 'canary', o.canaryVersion, range);
      const minSamples = o.metric.minSamples ?? limitDefaults.minSamples;
      const facts = { canaryVersion: o.canaryVersion, ...(r.details && { details: r.details }) };
      if (r.value === null || r.sampleCount < minSamples) {
        return {
          verdict: 'inconclusive',
          class: 'NoData',
          value: r.value,
          sampleCount: r.sampleCount,
          text: `no data: ${r.sampleCount} sample(s) from ${o.canaryVersion}, minSamples ${minSamples}`,
          facts,
        };
      }
      const check = checkThreshold(c, r.value);
      return {
        verdict: check.verdict,
        class: check.side ?? 'Pass',
        value: r.value,
        sampleCount: r.sampleCount,
        text: `${check.text} (${r.sampleCount} samples from ${o.canaryVersion})`,
        facts,
      };
    }
    if (o.stableVersion === null) {
      return {
        verdict: 'inconclusive',
        class: 'NoData',
        value: null,
        sampleCount: 0,
        text: 'no stable release to compare with',
        facts: {},
      };
    }
    const [canary, stable] = await Promise.all([
      read(o, 'canary', o.canaryVersion, range),
      read(o, 'stable', o.stableVersion, range),
    ]);
    const j = judge(canary.samples, stable.samples, c.options);
    const { reason, class: cls, ...stats } = j;
    const verdict: MeasurementVerdict = cls === 'Pass' ? 'pass' : cls === 'NoData' ? 'inconclusive' : 'fail';
    return {
      verdict,
      class: cls,
      value: j.relativeEffect,
      sampleCount: Math.min(canary.samples.length, stable.samples.length),
      text: `${reason}; ${o.canaryVersion} vs ${o.stableVersion}`,
      facts: { ...stats, canaryVersion: o.canaryVersion, stableVersion: o.stableVersion },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      verdict: 'error',
      class: 'Error',
      value: null,
      sampleCount: 0,
      text: `provider error: ${message}`,
      facts: { error: message },
    };
  }
}

function read(
  o: MetricRunOptions,
  role: ReleaseRole,
  version: string,
  range: { from: number; to: number },
): Promise<MetricReading> {
  const vars = { version, role, environment: o.environment, range };
  return o.provider.read({
    metric: o.metric,
    query: fillTemplate(o.metric.query, vars),
    ...(o.metric.url !== undefined && { url: fillTemplate(o.metric.url, vars) }),
    role,
    version,
    environment: o.environment,
    home: o.home,
    range,
    signal: o.signal,
  });
}

/** Resolves true at the given time, false as soon as the signal aborts. */
function sleepUntil(time: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, time - Date.now()),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
