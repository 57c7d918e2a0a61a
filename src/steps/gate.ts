// `gate: NAME` (or `gate: {name, duration}`): a quality gate between phases ("tests passed",
// "p95 under X"). Runs the named gate from `gates:` against the version being deployed. Without a
// duration each metric is measured once, now. Fail fails the step; inconclusive waits for a person
// (rollgate approve / reject) unless the gate says onInconclusive: fail.

import { z } from 'zod';
import type { Analyzer } from '../analysis/analyzer.js';
import { analyze } from '../analysis/analyzer.js';
import { durationSchema } from '../plan/schema/common.js';
import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import { defineStepKind, type StepKind } from './step-kind.js';

const gateStepSchema = z.union([
  z.string().min(1).meta({ description: 'Name of a gate under gates:' }),
  z.strictObject({
    name: z.string().min(1).meta({ description: 'Name of a gate under gates:' }),
    duration: durationSchema
      .optional()
      .meta({ description: 'Observe the metrics for this long (default: measure each once)' }),
    stable: z.string().optional().meta({ description: 'Version the judge compares against (default: none)' }),
  }),
]);

export type GateStepParams = z.output<typeof gateStepSchema>;

function normalize(p: GateStepParams): { name: string; duration?: string; stable?: string } {
  return typeof p === 'string' ? { name: p } : p;
}

/** Built with an injectable analyzer so tests can use scripted metric providers. */
export function createGateStep(analyzer: Analyzer = analyze): StepKind<GateStepParams> {
  return defineStepKind<GateStepParams>({
    kind: 'gate',
    schema: gateStepSchema,
    describe: (p) => {
      const g = normalize(p);
      return `quality gate ${g.name}${g.duration ? ` for ${g.duration}` : ''}`;
    },
    async execute(ctx, p) {
      const g = normalize(p);
      const raw = ctx.plan.gates[g.name];
      if (!raw) {
        const known = Object.keys(ctx.plan.gates);
        throw new RollgateError(
          'INVALID_PLAN',
          `gate "${g.name}" is not defined under gates:${known.length ? ` (defined: ${known.join(', ')})` : ' (none defined)'}`,
        );
      }
      const gate = ctx.interpolate(raw);
      // why: 1 ms makes every metric without its own interval/count measure exactly once, right away
      const durationMs = g.duration ? (parseDuration(g.duration) ?? 1) : 1;
      const result = await analyzer({
        gateName: g.name,
        gate,
        durationMs,
        environment: ctx.environment,
        home: ctx.home,
        canaryVersion: ctx.version,
        stableVersion: g.stable ?? null,
        signal: ctx.signal,
        record: (kind, data) => ctx.record(kind, data),
        log: (line) => ctx.log(line),
      });
      const score = result.score === undefined ? '' : ` (score ${Math.round(result.score * 10) / 10})`;
      if (result.verdict === 'fail') throw new RollgateError('STEP_FAILED', result.reason);
      if (result.verdict === 'inconclusive') {
        ctx.log(`gate ${g.name} is inconclusive: ${result.reason}`);
        const by = await ctx.waitForApproval({ reason: `gate ${g.name} is inconclusive: ${result.reason}` });
        return {
          summary: `gate ${g.name} inconclusive, passed by ${by.user}`,
          data: { gate: g.name, verdict: 'inconclusive', approvedBy: by.user, reason: result.reason },
        };
      }
      return {
        summary: `gate ${g.name} passed${score}`,
        data: { gate: g.name, verdict: 'pass', score: result.score ?? null, reason: result.reason },
      };
    },
  });
}

export const gateStep = createGateStep();
