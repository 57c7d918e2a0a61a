// Runs every metric of a gate at once and decides the gate: a critical failure, or a score that can
// no longer reach marginalScore, ends the gate at once (fast rollback); otherwise the gate waits for
// its metrics and scores them. dryRun metrics are measured and recorded but never decide anything.

import { setMaxListeners } from 'node:events';
import type { GateConfig, MetricConfig } from '../plan/types.js';
import { createMetricProvider } from '../providers/metrics/create-metric-provider.js';
import type { MetricProvider } from '../providers/metrics/metric-provider.js';
import { RollgateError } from '../shared/errors.js';
import { conditionOf } from './condition.js';
import { certainFailure, scoreGate, type Verdict } from './gate-score.js';
import { type MetricOutcome, runMetric } from './metric-runner.js';
import { scheduleOf } from './metric-schedule.js';

export interface GateRunOptions {
  gateName: string;
  gate: GateConfig;
  /** Length of the analysis in ms; Infinity (or ≤ 0) for background analysis that runs until stopped. */
  windowMs: number;
  environment: string;
  home: string;
  canaryVersion: string;
  stableVersion: string | null;
  signal: AbortSignal;
  record(kind: string, data: Record<string, unknown>): Promise<number>;
  log(line: string): void;
  /** Chooses the provider of a metric (tests inject their own; default: the provider factory). */
  providerFor?: (metric: MetricConfig) => MetricProvider;
}

export interface GateOutcome {
  verdict: Verdict;
  score: number | null;
  reason: string;
  metrics: MetricOutcome[];
  eventId: number;
}

export async function runGate(o: GateRunOptions): Promise<GateOutcome> {
  const names = o.gate.metrics.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new RollgateError(
      'INVALID_PLAN',
      `gates.${o.gateName}: two metrics are named "${duplicate}"; names must be unique`,
    );
  }
  const conditions = o.gate.metrics.map((m) => conditionOf(m, o.gateName));
  const providerFor = o.providerFor ?? ((m: MetricConfig) => createMetricProvider(m.provider));
  const providers = o.gate.metrics.map(providerFor);
  const scoreOptions = {
    ...(o.gate.passScore !== undefined && { passScore: o.gate.passScore }),
    ...(o.gate.marginalScore !== undefined && { marginalScore: o.gate.marginalScore }),
  };
  const background = !Number.isFinite(o.windowMs) || o.windowMs <= 0;
  await o.record('analysis.started', {
    gate: o.gateName,
    windowMs: background ? null : o.windowMs,
    background,
    canaryVersion: o.canaryVersion,
    stableVersion: o.stableVersion,
    metrics: o.gate.metrics.map((m, i) => ({
      name: m.name,
      provider: m.provider,
      query: m.query,
      condition: conditions[i]?.text,
      dryRun: m.dryRun ?? false,
    })),
  });
  const stop = new AbortController();
  // why: every metric and every in-flight read listens to this signal; large gates exceed 10
  setMaxListeners(0, stop.signal);
  const onOuterAbort = () => stop.abort();
  o.signal.addEventListener('abort', onOuterAbort, { once: true });
  const finished: MetricOutcome[] = [];
  const pending = new Set(o.gate.metrics.filter((m) => !m.dryRun));
  try {
    await Promise.all(
      o.gate.metrics.map(async (metric, i) => {
        const outcome = await runMetric({
          gateName: o.gateName,
          metric,
          condition: conditions[i] as NonNullable<(typeof conditions)[number]>,
          schedule: scheduleOf(metric, o.windowMs),
          provider: providers[i] as MetricProvider,
          environment: o.environment,
          home: o.home,
          canaryVersion: o.canaryVersion,
          stableVersion: o.stableVersion,
          signal: stop.signal,
          record: o.record,
          log: o.log,
        });
        finished.push(outcome);
        pending.delete(metric);
        const decided = finished.filter((m) => !m.dryRun);
        if (!stop.signal.aborted && certainFailure(decided, [...pending], scoreOptions)) stop.abort();
      }),
    );
  } finally {
    o.signal.removeEventListener('abort', onOuterAbort);
  }
  if (o.signal.aborted && !background) {
    throw new RollgateError('CANCELLED', `analysis of gate ${o.gateName} was stopped before it finished`);
  }
  const ordered = o.gate.metrics.map((m) => finished.find((f) => f.name === m.name) as MetricOutcome);
  const deciding = ordered.filter((m) => !m.dryRun);
  const score = scoreGate(deciding, scoreOptions);
  const reason = explain(o.gateName, score.verdict, score.explanation, deciding);
  const eventId = await o.record('analysis.verdict', {
    gate: o.gateName,
    verdict: score.verdict,
    score: score.score,
    reason,
    canaryVersion: o.canaryVersion,
    stableVersion: o.stableVersion,
    time: Date.now(),
    metrics: ordered.map((m) => ({
      name: m.name,
      verdict: m.verdict,
      class: m.class,
      value: m.value,
      condition: m.condition,
      at: m.at,
      eventId: m.eventId,
      reason: m.reason,
      measurements: m.measurements,
      failed: m.failed,
      inconclusive: m.inconclusive,
      errors: m.errors,
      dryRun: m.dryRun,
      critical: m.critical,
    })),
  });
  o.log(`gate ${o.gateName}: ${score.verdict}: ${reason}`);
  return { verdict: score.verdict, score: score.score, reason, metrics: ordered, eventId };
}

function explain(gateName: string, verdict: Verdict, scoreText: string, metrics: MetricOutcome[]): string {
  if (verdict === 'pass')
    return `gate ${gateName} passed: ${scoreText}; ${metrics.map((m) => m.reason).join('; ')}`;
  // the metrics that decided: failures first, then those without data
  const failing = metrics.filter((m) => m.verdict === 'fail');
  const unknown = metrics.filter((m) => m.verdict === 'inconclusive');
  const named = verdict === 'fail' && failing.length > 0 ? failing : [...failing, ...unknown];
  const word = verdict === 'fail' ? 'failed' : 'is inconclusive';
  return `gate ${gateName} ${word}: ${named.map((m) => m.reason).join('; ')} (${scoreText})`;
}
