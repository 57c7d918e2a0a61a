// Turns the plan's `service` and `environments.<e>.target` into the agent's resolved specs:
// absolute cwd, interpolated env, durations in milliseconds, the health check kind chosen.

import path from 'node:path';
import type { ServiceSpec, TargetSpec } from '../agent/types.js';
import type { Plan } from '../plan/types.js';
import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';

export function ms(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  return parseDuration(text) ?? fallback;
}

export function resolveServiceSpec(plan: Plan, interpolate: <T>(v: T) => T, planDir: string): ServiceSpec {
  const s = plan.service;
  if (s === undefined) {
    throw new RollgateError(
      'INVALID_PLAN',
      `${plan.file}: a deploy step needs a \`service\` section (how to start the app)`,
    );
  }
  const h = s.health;
  const kind = h?.http !== undefined ? 'http' : h?.command !== undefined ? 'command' : 'tcp';
  return {
    start: interpolate(s.start),
    cwd: path.resolve(planDir, s.cwd ?? '.'),
    env: interpolate(s.env ?? {}),
    instances: s.instances,
    drainMs: ms(s.drain, 10_000),
    health: {
      kind,
      target:
        kind === 'http' ? (h?.http ?? '/') : kind === 'command' ? interpolate(h?.command ?? 'true') : '',
      intervalMs: ms(h?.interval, 1000),
      timeoutMs: ms(h?.timeout, 500),
      healthyAfter: h?.healthyAfter ?? 2,
      unhealthyAfter: h?.unhealthyAfter ?? 3,
    },
  };
}

export function resolveTargetSpec(plan: Plan, environment: string): TargetSpec {
  const env = plan.environments[environment];
  if (env === undefined) {
    throw new RollgateError('INVALID_INPUT', `environment ${environment} is not defined in ${plan.file}`);
  }
  const t = env.target;
  if (t === undefined) {
    throw new RollgateError(
      'INVALID_PLAN',
      `${plan.file}: environments.${environment}.target is missing; a deploy needs e.g. target: { kind: local, listen: 8080 }`,
    );
  }
  return {
    host: t.host,
    listen: t.listen,
    ...(t.previewListen !== undefined && { previewListen: t.previewListen }),
    ...(t.metricsListen !== undefined && { metricsListen: t.metricsListen }),
    ...(t.sticky !== undefined && { sticky: t.sticky }),
  };
}

/** How long a new release may take to become healthy before the deploy fails. */
export function healthDeadlineMs(plan: Plan, spec: ServiceSpec): number {
  const explicit = plan.service?.health?.startTimeout;
  if (explicit !== undefined) return ms(explicit, 30_000);
  return Math.max(
    10_000,
    spec.health.intervalMs * (spec.health.healthyAfter + spec.health.unhealthyAfter) + 5000,
  );
}
