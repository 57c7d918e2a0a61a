// The live display on a terminal: step output and notices scroll above a tree of phases and steps
// with their state and durations, redrawn in place.

import { formatDuration } from '../../shared/duration.js';
import type { EventRecord } from '../../store/store.js';
import { describeEvent } from './describe-event.js';
import type { Renderer } from './renderers.js';
import type { Style } from './style.js';

type State = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'waiting';

interface Row {
  label: string;
  state: State;
  started?: number;
  ended?: number;
  note?: string;
}

const icons: Record<State, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  waiting: '⏸',
};

export class LiveTree implements Renderer {
  private readonly phases = new Map<string, Row>();
  private readonly steps = new Map<string, Row>();
  private drawnLines = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly style: Style,
  ) {
    this.timer = setInterval(() => this.redraw(), 200);
    this.timer.unref();
  }

  private above(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw();
  }

  event(e: EventRecord): void {
    const d = e.data;
    const phase = typeof d.phase === 'string' ? d.phase : undefined;
    switch (e.kind) {
      case 'run.created':
        // a new run (the demo runs several): the previous run's tree stays on screen as it ended
        this.phases.clear();
        this.steps.clear();
        this.drawnLines = 0;
        break;
      case 'phase.started':
        if (phase) this.phases.set(phase, { label: phase, state: 'running', started: e.time });
        break;
      case 'phase.succeeded':
      case 'phase.failed':
      case 'phase.skipped': {
        if (!phase) break;
        const row = this.phases.get(phase) ?? { label: phase, state: 'pending' };
        row.state =
          e.kind === 'phase.succeeded' ? 'succeeded' : e.kind === 'phase.failed' ? 'failed' : 'skipped';
        row.ended = e.time;
        if (e.kind === 'phase.skipped') row.note = String(d.reason);
        this.phases.set(phase, row);
        break;
      }
      case 'step.started':
        if (e.stepKey)
          this.steps.set(e.stepKey, {
            label: String(d.description ?? d.name),
            state: 'running',
            started: e.time,
          });
        break;
      case 'step.succeeded':
      case 'step.failed':
      case 'step.skipped': {
        const row = e.stepKey ? this.steps.get(e.stepKey) : undefined;
        if (row) {
          row.state =
            e.kind === 'step.succeeded'
              ? 'succeeded'
              : e.kind === 'step.failed'
                ? d.willRetry
                  ? 'running'
                  : 'failed'
                : 'skipped';
          row.ended = e.time;
          if (e.kind === 'step.failed') row.note = String(d.error);
        } else if (e.stepKey && e.kind === 'step.skipped') {
          this.steps.set(e.stepKey, { label: e.stepKey, state: 'skipped', note: String(d.reason) });
        }
        break;
      }
      case 'approval.requested':
        if (e.stepKey) {
          const row = this.steps.get(e.stepKey);
          if (row) row.state = 'waiting';
        }
        this.above(this.style.warn(`waiting for approval: rollgate approve ${e.runId}`));
        return;
      default:
        if (e.kind.startsWith('run.') && e.kind !== 'run.started') {
          // the run ended: leave its final tree on screen, then the outcome below it
          this.redraw();
          this.drawnLines = 0;
          this.phases.clear();
          this.steps.clear();
          this.out.write(`${this.colorFinal(e.kind, describeEvent(e) ?? e.kind)}\n`);
          return;
        }
        // evidence worth seeing as it happens (weights, gate verdicts, aborts) scrolls above the tree
        if (/^(rollout\.(weight|promoted|aborted)|analysis\.verdict|rollback\.)/.test(e.kind)) {
          const line = describeEvent(e);
          if (line) this.above(line);
          return;
        }
    }
    this.redraw();
  }

  private colorFinal(kind: string, s: string): string {
    return kind === 'run.succeeded' ? this.style.ok(s) : this.style.bad(s);
  }

  log(step: { key: string }, line: string): void {
    this.above(`${this.style.dim(`[${step.key}]`)} ${line}`);
  }

  notice(message: string): void {
    this.above(this.style.warn(message));
  }

  private lines(): string[] {
    const now = Date.now();
    const out: string[] = [];
    // A line wider than the terminal wraps onto two rows and the redraw would leave a stale copy
    // behind: every line is cut to the terminal's width.
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    const clip = (text: string, room: number) =>
      text.length <= room ? text : `${text.slice(0, Math.max(0, room - 1))}…`;
    const fmt = (r: Row, indent: string) => {
      const elapsed = r.started ? formatDuration((r.ended ?? now) - r.started) : '';
      const icon = icons[r.state];
      const colored =
        r.state === 'succeeded' ? this.style.ok(icon) : r.state === 'failed' ? this.style.bad(icon) : icon;
      const fixed = indent.length + icon.length + elapsed.length + 3;
      const label = clip(r.label, width - fixed);
      const noteText = r.note && r.state !== 'succeeded' ? ` — ${r.note}` : '';
      const note = noteText ? this.style.dim(clip(noteText, width - fixed - label.length)) : '';
      return `${indent}${colored} ${label} ${this.style.dim(elapsed)}${note.length > 0 && width - fixed - label.length > 3 ? note : ''}`;
    };
    for (const [name, row] of this.phases) {
      out.push(fmt(row, ''));
      for (const [key, s] of this.steps) if (key.startsWith(`${name}/`)) out.push(fmt(s, '  '));
    }
    return out;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    const lines = this.lines();
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }

  close(): void {
    clearInterval(this.timer);
    if (this.drawnLines > 0) this.redraw();
  }
}
