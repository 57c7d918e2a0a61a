// The `deploy` step kind: carries a release to the environment's local agent with the chosen
// strategy (rolling, blueGreen, canary). On failure the rollout is aborted (traffic back to stable)
// and the step throws STEP_FAILED with details.rolledBack.

import type { ServiceSpec } from '../agent/types.js';
import { type DeployParams, deployParamsSchema } from '../rollout/deploy-params.js';
import { runRollout } from '../rollout/run-rollout.js';
import { healthDeadlineMs, resolveServiceSpec, resolveTargetSpec } from '../rollout/service-spec.js';
import { defineStepKind } from './step-kind.js';

function describeParams(p: DeployParams): string {
  const background = p.background ? `; background analysis ${p.background.gate}` : '';
  return describeStrategy(p) + background;
}

function describeStrategy(p: DeployParams): string {
  if (p.strategy === 'canary') {
    const steps = (p.steps ?? [{ setWeight: 100 }])
      .map((s) =>
        'setWeight' in s
          ? `${s.setWeight}%`
          : 'pause' in s
            ? typeof s.pause === 'string'
              ? `pause ${s.pause}`
              : 'pause until promoted'
            : `analyze ${s.analyze.gate} ${s.analyze.duration}`,
      )
      .join(' → ');
    return `canary: ${steps} → promote`;
  }
  if (p.strategy === 'blueGreen') {
    return `blue-green: start green, health-gate, ${p.autoPromote === false ? 'wait for promote, ' : ''}switch all traffic, keep blue ${p.scaleDownDelay ?? '30s'}`;
  }
  return `rolling: maxSurge ${p.maxSurge ?? 1}, maxUnavailable ${p.maxUnavailable ?? 0}`;
}

export const deployStep = defineStepKind<DeployParams>({
  kind: 'deploy',
  schema: deployParamsSchema,
  describe: (p) => `deploy ${describeParams(p)}`,
  async execute(ctx, params) {
    const service: ServiceSpec = resolveServiceSpec(ctx.plan, (v) => ctx.interpolate(v), ctx.planDir);
    const target = resolveTargetSpec(ctx.plan, ctx.environment);
    // loaded when a deploy runs: the analysis package and its providers are not needed to validate
    const { analyze: analyzer } = await import('../analysis/analyzer.js');
    const result = await runRollout({
      home: ctx.home,
      environment: ctx.environment,
      version: ctx.version,
      params,
      service,
      target,
      analyzer,
      gates: ctx.plan.gates,
      retain: ctx.plan.service?.retain ?? 3,
      healthDeadlineMs: healthDeadlineMs(ctx.plan, service),
      signal: ctx.signal,
      record: (kind, data) => ctx.record(kind, data),
      log: (line) => ctx.log(line),
    });
    return {
      summary: result.firstRelease
        ? `${ctx.version} serving on ${target.host}:${target.listen}`
        : `${result.strategy}: ${result.from ?? 'none'} → ${result.to}`,
      data: {
        version: result.to,
        previous: result.from,
        strategy: result.strategy,
        switchedAt: new Date(result.switchedAt).toISOString(),
        listen: target.listen,
      },
    };
  },
});
