// Health evidence: pre-flight check results (check.result) and instance health transitions the
// agent reported during the rollout (health.changed, copied into the run's events).

import type { EventRecord } from '../store/store.js';
import { cite, factTime, iso, str } from './evidence.js';
import type { HealthCheckView, HealthTransitionView } from './report-model.js';

export function buildHealth(events: readonly EventRecord[]): {
  checks: HealthCheckView[];
  transitions: HealthTransitionView[];
} {
  const checks = events
    .filter((e) => e.kind === 'check.result')
    .map((e) => ({
      time: cite(iso(e.time), e),
      check: str(e.data.check) ?? 'check',
      ok: cite(e.data.ok === true, e),
      detail: str(e.data.detail) ?? '',
    }));
  const transitions = events
    .filter((e) => e.kind === 'health.changed')
    .map((e) => ({
      time: cite(iso(factTime(e)), e),
      version: str(e.data.version) ?? 'unknown',
      instance: str(e.data.instance) ?? 'unknown',
      healthy: cite(e.data.healthy === true, e),
      detail: str(e.data.detail) ?? '',
    }));
  return { checks, transitions };
}
