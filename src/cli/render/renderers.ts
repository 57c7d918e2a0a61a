// The three ways a run is shown: NDJSON (--json), one plain line per event (CI, no TTY), and a live
// tree of phases and steps (a TTY).

import type { RunReporter } from '../../engine/reporter.js';
import type { EventRecord } from '../../store/store.js';
import { describeEvent } from './describe-event.js';
import { LiveTree } from './live-tree.js';
import { createStyle, useColor, useLiveDisplay } from './style.js';

export interface Renderer extends RunReporter {
  close(): void;
}

export function createJsonRenderer(out: NodeJS.WriteStream = process.stdout): Renderer {
  const write = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  return {
    event: (e) => write({ type: 'event', ...e }),
    log: (step, line) => write({ type: 'log', stepKey: step.key, line }),
    notice: (message) => write({ type: 'notice', message }),
    close() {},
  };
}

export function createPlainRenderer(out: NodeJS.WriteStream = process.stdout): Renderer {
  const style = createStyle(useColor(out));
  const time = (t: number) => new Date(t).toISOString().slice(11, 19);
  return {
    event(e: EventRecord) {
      const line = describeEvent(e);
      if (line === undefined) return;
      const colored = /FAILED|ROLLED BACK|REJECTED|CANCELLED/.test(line)
        ? style.bad(line)
        : /SUCCEEDED|succeeded/.test(line)
          ? style.ok(line)
          : line;
      out.write(`${style.dim(time(e.time))} ${colored}\n`);
    },
    log: (step, line) => out.write(`${style.dim(`[${step.key}] |`)} ${line}\n`),
    notice: (message) => out.write(`${style.warn('!')} ${message}\n`),
    close() {},
  };
}

export function createRenderer(json: boolean, out: NodeJS.WriteStream = process.stdout): Renderer {
  if (json) return createJsonRenderer(out);
  if (useLiveDisplay(out)) return new LiveTree(out, createStyle(useColor(out)));
  return createPlainRenderer(out);
}
