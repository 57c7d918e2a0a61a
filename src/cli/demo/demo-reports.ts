// Writes the go/no-go report of each demo run (markdown and self-contained HTML) next to its state.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildReport } from '../../report/build-report.js';
import { renderHtml } from '../../report/render-html.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import type { Store } from '../../store/store.js';
import { planFacts } from '../commands/report.js';

export async function writeRunReports(
  store: Store,
  runId: string,
  dir: string,
): Promise<{ files: string[]; decision: string }> {
  const run = await store.getRun(runId);
  if (!run) return { files: [], decision: 'unknown' };
  const events = await store.listEvents(runId);
  const facts = planFacts(run);
  const report = buildReport({ run, events, phases: facts.phases, claims: facts.claims });
  mkdirSync(dir, { recursive: true });
  const md = join(dir, `${runId}.md`);
  const html = join(dir, `${runId}.html`);
  writeFileSync(md, renderMarkdown(report));
  writeFileSync(html, renderHtml(report));
  const shown = (f: string) => relative(process.cwd(), f) || f;
  return { files: [shown(md), shown(html)], decision: report.decision.decision };
}
