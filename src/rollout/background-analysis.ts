// Background analysis (`background: {gate}` on the deploy step): one gate measured for as long as
// the new release takes traffic, next to the strategy's own steps. A fail interrupts the rollout at
// once, wherever it is waiting (a timed pause, `pause: {}`, an analyze step, a health wait), so it
// aborts and rolls back; an inconclusive result holds the rollout for a person (`rollgate promote`
// resumes and restarts the analysis, `rollgate abort` rolls back) unless the gate says
// onInconclusive: fail. When the strategy is about to finish, the analysis is stopped and its
// verdict so far decides like any other: no data is never a pass.

import type { GateConfig } from '../plan/types.js';
import { RollgateError } from '../shared/errors.js';
import type { AnalysisResult, Analyzer } from './analysis-hook.js';
import type { RolloutSession } from './rollout-session.js';
import { verdictText } from './verdict-text.js';

const LABEL = 'background analysis';

interface Run {
  controller: AbortController;
  /** Settles when the analyzer returned and its own-verdict handling is done. */
  done: Promise<void>;
  /** Set when the analyzer returned. */
  result: AnalysisResult | undefined;
  /** finish()/stop() ended this run; its verdict is theirs to act on. */
  stopping: boolean;
}

export interface BackgroundAnalysisOptions {
  session: RolloutSession;
  analyzer: Analyzer;
  gates: Record<string, GateConfig>;
  home: string;
  stableVersion: string;
  /** The deploy step's `background:` parameter; undefined turns every method into a no-op. */
  ref: { gate: string } | undefined;
}

export class BackgroundAnalysis {
  private run: Run | undefined;
  private started = false;
  private closed = false;
  /** An inconclusive verdict asked for a person and nobody has answered yet. */
  private pendingHold: string | undefined;
  private readonly gate: GateConfig | undefined;

  constructor(private readonly o: BackgroundAnalysisOptions) {
    const name = o.ref?.gate;
    this.gate = name === undefined ? undefined : o.gates[name];
    if (name !== undefined && this.gate === undefined) {
      throw new RollgateError(
        'INVALID_PLAN',
        `background analysis names gate "${name}" but the plan defines ${Object.keys(o.gates).join(', ') || 'no gates'}`,
      );
    }
  }

  get configured(): boolean {
    return this.gate !== undefined;
  }

  /** Starts measuring (idempotent): call when the new release first takes traffic. */
  start(): void {
    if (this.gate === undefined || this.started || this.closed) return;
    this.started = true;
    this.launch();
  }

  /**
   * The strategy is about to finish: stops the analysis and acts on its verdict so far. Throws
   * on fail (and on inconclusive with onInconclusive: fail); waits for a person on inconclusive.
   */
  async finish(): Promise<void> {
    const s = this.o.session;
    if (this.gate === undefined || !this.started || this.closed) {
      s.checkpoint();
      return;
    }
    this.closed = true;
    const run = this.run;
    if (run === undefined || run.result !== undefined) {
      // it ended by itself and was acted on already (a failure is thrown by the checkpoint)
      await run?.done;
      s.checkpoint();
      if (this.pendingHold !== undefined) {
        await s.waitForPerson(this.pendingHold, { gate: this.name, label: LABEL });
      }
      return;
    }
    run.stopping = true;
    run.controller.abort();
    await run.done;
    s.checkpoint();
    const result = run.result as AnalysisResult | undefined;
    if (result === undefined) return; // the analyzer failed to run: already interrupted
    const decision = await this.recordVerdict(result, true);
    if (decision === 'fail') throw this.failureOf(result);
    if (decision === 'inconclusive') {
      await s.waitForPerson(`background gate ${this.name} inconclusive: ${result.reason}`, {
        gate: this.name,
        label: LABEL,
      });
    }
  }

  /** Stops without acting on anything (the rollout is failing or was cancelled). */
  async stop(): Promise<void> {
    this.closed = true;
    const run = this.run;
    if (run === undefined) return;
    run.stopping = true;
    run.controller.abort();
    await run.done;
  }

  private get name(): string {
    return this.o.ref?.gate ?? '';
  }

  private launch(): void {
    const s = this.o.session;
    const gate = this.gate as GateConfig;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    s.signal.addEventListener('abort', onAbort, { once: true });
    const run: Run = { controller, done: Promise.resolve(), result: undefined, stopping: false };
    this.run = run;
    run.done = (async () => {
      try {
        await s.record('analysis.started', {
          gate: this.name,
          label: LABEL,
          background: true,
          canaryVersion: s.version,
          stableVersion: this.o.stableVersion,
          at: new Date().toISOString(),
        });
        s.log(`${LABEL}: gate ${this.name} measuring ${s.version} until the rollout ends`);
        run.result = await this.o.analyzer({
          gateName: this.name,
          gate,
          durationMs: Number.POSITIVE_INFINITY,
          environment: s.environment,
          home: this.o.home,
          canaryVersion: s.version,
          stableVersion: this.o.stableVersion,
          signal: controller.signal,
          record: s.record,
          log: s.log,
        });
      } catch (err) {
        if (run.stopping || s.signal.aborted) return;
        const message = err instanceof Error ? err.message : String(err);
        s.interrupt(
          new RollgateError('STEP_FAILED', `${LABEL} of gate ${this.name} could not run: ${message}`, {
            cause: err,
          }),
        );
        return;
      } finally {
        s.signal.removeEventListener('abort', onAbort);
      }
      // finish() decides on this verdict; a cancelled deploy decides nothing
      if (run.stopping || s.signal.aborted) return;
      const decision = await this.recordVerdict(run.result, false);
      if (decision === 'fail') s.interrupt(this.failureOf(run.result));
      else if (decision === 'inconclusive') {
        const reason = `background gate ${this.name} inconclusive: ${run.result.reason}`;
        this.pendingHold = reason;
        s.hold(reason, { gate: this.name, label: LABEL }, () => {
          this.pendingHold = undefined;
          // a person looked and said go on: keep watching for the rest of the rollout
          if (!this.closed) this.launch();
        });
      }
    })();
  }

  /** Records the rollout's analysis.verdict; returns what the rollout does with it. */
  private async recordVerdict(
    result: AnalysisResult,
    atEnd: boolean,
  ): Promise<'pass' | 'fail' | 'inconclusive'> {
    const s = this.o.session;
    // the verdict the rollout acts on (an analyzer may leave onInconclusive: fail to the caller)
    const verdict =
      result.verdict === 'inconclusive' && this.gate?.onInconclusive === 'fail' ? 'fail' : result.verdict;
    await s.record('analysis.verdict', {
      gate: this.name,
      label: LABEL,
      background: true,
      ...(atEnd && { stoppedAtEnd: true }),
      ...result,
      verdict,
      ...(verdict !== result.verdict && { analyzerVerdict: result.verdict }),
      at: new Date().toISOString(),
    });
    s.log(`${LABEL}: ${verdictText(this.name, result)}`);
    return verdict;
  }

  private failureOf(result: AnalysisResult): RollgateError {
    return new RollgateError('STEP_FAILED', `${LABEL}: ${verdictText(this.name, result)}`, {
      details: { gate: this.name, verdict: result.verdict, background: true },
    });
  }
}
