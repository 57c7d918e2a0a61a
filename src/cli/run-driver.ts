// Shared by deploy and resume: renderer, Ctrl-C/SIGTERM → cancel, and the final exit code.

import type { RunOutcome } from '../engine/run-engine.js';
import { ExitCode } from '../shared/errors.js';
import type { RunStatus } from '../store/store.js';
import { createRenderer, type Renderer } from './render/renderers.js';

export function exitCodeOf(status: RunStatus): number {
  switch (status) {
    case 'succeeded':
      return ExitCode.ok;
    case 'cancelled':
    case 'rejected':
      return ExitCode.cancelled;
    default:
      return ExitCode.failed;
  }
}

/** Runs `body` with a cancel signal wired to SIGINT/SIGTERM, and prints the outcome. */
export async function driveRun(
  json: boolean,
  body: (signal: AbortSignal, renderer: Renderer) => Promise<RunOutcome>,
): Promise<number> {
  const renderer = createRenderer(json);
  const controller = new AbortController();
  const { RollgateError } = await import('../shared/errors.js');
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      renderer.notice(
        `${sig}: cancelling (running steps are stopped, the lock is released); press Ctrl-C again to force`,
      );
      controller.abort(new RollgateError('CANCELLED', `cancelled by ${sig}`));
    } else {
      process.exit(ExitCode.cancelled);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await body(controller.signal, renderer);
    renderer.close();
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ type: 'result', runId: outcome.run.id, status: outcome.status, reason: outcome.reason ?? null })}\n`,
      );
    } else {
      process.stdout.write(
        `\nrun ${outcome.run.id}: ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ''}\n`,
      );
    }
    return exitCodeOf(outcome.status);
  } finally {
    renderer.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
