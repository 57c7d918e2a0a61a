// Builds a run report: a pure function of the run record, its events and the plan's phase names
// and claims. No clock, no I/O: the same events always give the same report.

import type { EventRecord, RunRecord } from '../store/store.js';
import { evaluateClaims } from './claim-evaluation.js';
import { decide } from './decision.js';
import { iso } from './evidence.js';
import { buildGateEvaluations } from './gates.js';
import { buildHealth } from './health.js';
import { buildMigrations } from './migrations.js';
import { buildNotifications } from './notifications.js';
import { buildReadiness } from './readiness.js';
import { type RunReport, reportSchemaVersion } from './report-model.js';
import { buildSummary } from './summary.js';
import { buildLoad, buildRollback, buildTraffic } from './traffic.js';

export interface ReportInput {
  run: RunRecord;
  /** The run's events, in any order (sorted by id here). */
  events: readonly EventRecord[];
  /** Phase names in plan order (phases never reached still get a row). */
  phases?: readonly string[];
  /** The plan's `claims:` texts. */
  claims?: readonly string[];
}

export function buildReport(input: ReportInput): RunReport {
  const events = [...input.events]
    .filter((e) => e.runId === null || e.runId === input.run.id)
    .sort((a, b) => a.id - b.id);
  const summary = buildSummary(input.run, events);
  const gates = buildGateEvaluations(events);
  const health = buildHealth(events);
  const migrations = buildMigrations(events);
  const rollback = buildRollback(events);
  const planEvent = events.find((e) => e.kind === 'run.created');
  const claims = evaluateClaims(
    input.claims ?? [],
    events,
    summary,
    rollback,
    planEvent ? [planEvent.id] : [],
  );
  const sections = { summary, health, migrations, rollback, claims };
  const report: Omit<RunReport, 'evidence'> = {
    schemaVersion: reportSchemaVersion,
    summary,
    readiness: buildReadiness(events, input.phases ?? [], gates),
    gates: gates.map((g) => g.view),
    health,
    migrations,
    load: buildLoad(events),
    traffic: buildTraffic(events),
    rollback,
    notifications: buildNotifications(events),
    claims,
    decision: decide(sections, gates, events),
  };
  const cited = new Set<number>();
  collectIds(report, cited);
  const evidence = events
    .filter((e) => cited.has(e.id))
    .map((e) => ({ id: e.id, kind: e.kind, time: iso(e.time), stepKey: e.stepKey, source: e.source }));
  return { ...report, evidence };
}

function collectIds(v: unknown, into: Set<number>): void {
  if (Array.isArray(v)) for (const x of v) collectIds(x, into);
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'eventIds' && Array.isArray(x)) for (const id of x) into.add(id as number);
      else collectIds(x, into);
    }
  }
}
