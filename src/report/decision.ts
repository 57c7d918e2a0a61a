// Go/no-go: fixed rules over the report's sections, stated in every report. GO only when every
// rule holds or does not apply; a broken rule, or one without the evidence to decide it, is NO-GO.

import type { EventRecord } from '../store/store.js';
import type { GateEvaluation } from './gates.js';
import type { Decision, DecisionRule, RuleState, RunReport } from './report-model.js';

export const decisionRuleText =
  'GO only when every rule holds or does not apply. A broken rule makes it NO-GO; so does a rule the recorded evidence cannot decide (unverified).';

type Sections = Pick<RunReport, 'summary' | 'health' | 'migrations' | 'rollback' | 'claims'>;

export function decide(
  s: Sections,
  gates: readonly GateEvaluation[],
  events: readonly EventRecord[],
): Decision {
  const rules: DecisionRule[] = [];
  const result = s.summary.result;
  rules.push({
    id: 'run-succeeded',
    rule: 'The run finished with run.succeeded.',
    state: result.value === 'succeeded' ? 'holds' : result.value === 'unfinished' ? 'unverified' : 'broken',
    detail: result.value === 'unfinished' ? 'the run has not finished' : `the run ended ${result.value}`,
    eventIds: result.eventIds,
  });
  const verdicts = gates.map((g) => g.view.verdict);
  const failed = gates.filter((g) => g.view.verdict?.value === 'fail');
  const undecided = gates.filter((g) => g.view.verdict === null || g.view.verdict.value === 'inconclusive');
  rules.push({
    id: 'gates-passed',
    rule: 'Every quality gate evaluated in the run passed.',
    state:
      gates.length === 0
        ? 'not applicable'
        : failed.length
          ? 'broken'
          : undecided.length
            ? 'unverified'
            : 'holds',
    detail:
      gates.length === 0
        ? 'no gate was evaluated'
        : failed.length
          ? `failed: ${failed.map((g) => g.view.gate).join(', ')}`
          : undecided.length
            ? `inconclusive or undecided: ${undecided.map((g) => g.view.gate).join(', ')}`
            : 'every gate verdict is pass',
    eventIds: verdicts.flatMap((v) => v?.eventIds ?? []),
  });
  rules.push({
    id: 'no-rollback',
    rule: 'No rollout was aborted or rolled back.',
    state: s.rollback === null ? 'holds' : 'broken',
    detail:
      s.rollback === null ? 'no abort, rollback or rollback hook was recorded' : 'traffic was rolled back',
    eventIds:
      s.rollback === null
        ? events.filter((e) => e.kind === 'rollout.promoted').map((e) => e.id)
        : [...s.rollback.cause.eventIds, ...(s.rollback.restoredTo?.eventIds ?? [])],
  });
  const checks = s.health.checks;
  const badChecks = checks.filter((c) => !c.ok.value);
  rules.push({
    id: 'checks-passed',
    rule: 'Every pre-flight check passed.',
    state: checks.length === 0 ? 'not applicable' : badChecks.length ? 'broken' : 'holds',
    detail:
      checks.length === 0
        ? 'no pre-flight check was recorded'
        : badChecks.length
          ? `failed: ${badChecks.map((c) => c.check).join(', ')}`
          : 'every check.result is ok',
    eventIds: (badChecks.length ? badChecks : checks).flatMap((c) => c.ok.eventIds),
  });
  const m = s.migrations;
  const unverifiedMigrations = m.applied.filter((a) => a.verified !== null && !a.verified.value);
  const backup = m.backups.find((b) => !b.skipped && b.verified.value);
  const [migrationState, migrationDetail]: [RuleState, string] =
    m.failures.length || unverifiedMigrations.length
      ? ['broken', 'a migration failed or its verification failed']
      : m.applied.length === 0
        ? ['not applicable', 'no migration was applied']
        : backup
          ? ['holds', 'migrations applied after a verified backup']
          : ['unverified', 'migrations applied without backup evidence'];
  rules.push({
    id: 'migrations-safe',
    rule: 'No migration failed, and applied migrations have a verified backup taken before them.',
    state: migrationState,
    detail: migrationDetail,
    eventIds: [
      ...m.failures.flatMap((f) => f.error.eventIds),
      ...m.applied.flatMap((a) => a.version.eventIds),
      ...(backup ? backup.verified.eventIds : []),
    ],
  });
  const claimsFailed = s.claims.filter((c) => c.status === 'failed');
  const claimsUnverified = s.claims.filter((c) => c.status === 'UNVERIFIED');
  rules.push({
    id: 'claims-verified',
    rule: 'Every claim of the plan is verified by recorded evidence.',
    state:
      s.claims.length === 0
        ? 'not applicable'
        : claimsFailed.length
          ? 'broken'
          : claimsUnverified.length
            ? 'unverified'
            : 'holds',
    detail:
      s.claims.length === 0
        ? 'the plan makes no claims'
        : claimsFailed.length
          ? 'a claim is disproved by the evidence'
          : claimsUnverified.length
            ? 'a claim has no evidence (UNVERIFIED)'
            : 'every claim is verified',
    eventIds: s.claims.flatMap((c) => c.figure?.eventIds ?? []),
  });
  for (const r of rules) r.eventIds = [...new Set(r.eventIds)].sort((a, b) => a - b);
  const go = rules.every((r) => r.state === 'holds' || r.state === 'not applicable');
  return { decision: go ? 'GO' : 'NO-GO', ruleText: decisionRuleText, rules };
}
