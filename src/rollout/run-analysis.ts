// Calls the injected analyzer for a named gate and turns its verdict into the rollout's decision:
// pass continues, fail throws (abort and roll back), inconclusive waits for `rollgate promote`
// unless the gate says onInconclusive: fail.

import { parseDuration } from '../shared/duration.js';
import { RollgateError } from '../shared/errors.js';
import type { StrategyInput } from './deploy-params.js';
import { verdictText } from './verdict-text.js';

export async function runAnalysis(
  x: StrategyInput,
  ref: string | { gate: string; duration?: string | undefined },
  label: string,
): Promise<void> {
  const gateName = typeof ref === 'string' ? ref : ref.gate;
  const durationText = typeof ref === 'string' ? undefined : ref.duration;
  const durationMs = durationText === undefined ? 60_000 : (parseDuration(durationText) ?? 60_000);
  const gate = x.gates[gateName];
  if (gate === undefined) {
    throw new RollgateError(
      'INVALID_PLAN',
      `${label} names gate "${gateName}" but the plan defines ${Object.keys(x.gates).join(', ') || 'no gates'}`,
    );
  }
  const s = x.session;
  await s.record('analysis.started', { gate: gateName, durationMs, label, at: new Date().toISOString() });
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  s.signal.addEventListener('abort', onAbort, { once: true });
  // operator commands (abort) and the canary guard keep being watched while the analysis runs
  let watching = true;
  let watchError: unknown;
  const watcher = (async () => {
    try {
      while (watching) await s.pause(200, false);
    } catch (err) {
      watchError = err;
      controller.abort();
    }
  })();
  let result: Awaited<ReturnType<typeof x.analyzer>>;
  try {
    result = await x.analyzer({
      gateName,
      gate,
      durationMs,
      environment: s.environment,
      home: x.home,
      canaryVersion: s.version,
      stableVersion: x.stable.version,
      signal: controller.signal,
      record: s.record,
      log: s.log,
    });
  } catch (err) {
    watching = false;
    await watcher;
    throw watchError ?? err;
  } finally {
    watching = false;
    s.signal.removeEventListener('abort', onAbort);
  }
  await watcher;
  if (watchError !== undefined) throw watchError;
  // the verdict the rollout acts on: an analyzer that does not apply onInconclusive: fail itself
  // (the record-only default) must still be recorded, and notified, as a failure
  const verdict =
    result.verdict === 'inconclusive' && gate.onInconclusive === 'fail' ? 'fail' : result.verdict;
  await s.record('analysis.verdict', {
    gate: gateName,
    label,
    ...result,
    verdict,
    ...(verdict !== result.verdict && { analyzerVerdict: result.verdict }),
    at: new Date().toISOString(),
  });
  s.log(`${label}: ${verdictText(gateName, result)}`);
  if (verdict === 'pass') return;
  if (verdict === 'fail') {
    throw new RollgateError('STEP_FAILED', `${label}: ${verdictText(gateName, result)}`);
  }
  s.log(`${label}: inconclusive; waiting for rollgate promote or rollgate abort --env ${s.environment}`);
  await s.record('rollout.paused', { reason: `gate ${gateName} inconclusive`, at: new Date().toISOString() });
  await s.pause(0, true);
}
