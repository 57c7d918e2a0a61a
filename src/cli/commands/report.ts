// `rollgate report [RUN_ID | --last] [--env E] [--format md|html|json] [-o FILE]`: the go/no-go
// report of a run, built only from its recorded events and the plan text recorded with the run.

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadPlanText } from '../../plan/load-plan.js';
import { buildReport } from '../../report/build-report.js';
import { renderHtml } from '../../report/render-html.js';
import { renderJson } from '../../report/render-json.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { RollgateError } from '../../shared/errors.js';
import { stepSchemas } from '../../steps/registry.js';
import type { RunRecord, Store } from '../../store/store.js';
import { runAction } from '../action.js';
import { globalOptions, withStore } from '../context.js';

const formats = ['md', 'html', 'json'] as const;
type Format = (typeof formats)[number];

interface ReportOptions {
  last?: boolean;
  env?: string;
  format?: string;
  output?: string;
}

async function findRun(store: Store, runId: string | undefined, env: string | undefined): Promise<RunRecord> {
  if (runId !== undefined) {
    const run = await store.getRun(runId);
    if (!run) throw new RollgateError('NOT_FOUND', `no run ${runId} (list runs with \`rollgate history\`)`);
    return run;
  }
  const [run] = await store.listRuns({ environment: env, limit: 1 });
  if (!run) {
    throw new RollgateError(
      'NOT_FOUND',
      `no runs yet${env ? ` in ${env}` : ''}; deploy first with \`rollgate deploy\``,
    );
  }
  return run;
}

/** Phase names and claims from the plan text recorded with the run (not the file on disk). */
export function planFacts(run: RunRecord): { phases: string[]; claims: string[]; warning?: string } {
  try {
    const plan = loadPlanText(run.planText, run.planPath, { stepKinds: stepSchemas });
    return { phases: plan.phases.map((p) => p.name), claims: plan.claims };
  } catch (err) {
    return {
      phases: [],
      claims: [],
      warning: `the plan recorded with run ${run.id} no longer loads (${(err as Error).message.split('\n')[0]}); its claims are not evaluated`,
    };
  }
}

export function registerReportCommand(program: Command): void {
  program
    .command('report [runId]')
    .description('go/no-go report of a run, built only from its recorded events (markdown, html or json)')
    .option('--last', 'the newest run (the default when no RUN_ID is given)')
    .option('--env <name>', 'with --last: the newest run in this environment')
    .option('--format <format>', `output format: ${formats.join(', ')} (default md; json with --json)`)
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      '\nEvery figure cites the events it comes from; a claim without evidence is shown UNVERIFIED.\n\nExamples:\n  rollgate report --last --env production\n  rollgate report run-20250314-090000-a1b2c3 --format html -o report.html',
    )
    .action(async (runId: string | undefined, opts: ReportOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const format = (opts.format ?? (g.json ? 'json' : 'md')) as Format;
        if (!formats.includes(format)) {
          throw new RollgateError(
            'INVALID_INPUT',
            `--format ${opts.format}: expected one of ${formats.join(', ')}`,
          );
        }
        if (runId !== undefined && opts.last) {
          throw new RollgateError('INVALID_INPUT', 'give a RUN_ID or --last, not both');
        }
        return withStore(async (store) => {
          const run = await findRun(store, runId, opts.env);
          const events = await store.listEvents(run.id);
          const facts = planFacts(run);
          if (facts.warning) process.stderr.write(`rollgate: warning: ${facts.warning}\n`);
          const report = buildReport({ run, events, phases: facts.phases, claims: facts.claims });
          const text =
            format === 'json'
              ? renderJson(report)
              : format === 'html'
                ? renderHtml(report)
                : renderMarkdown(report);
          if (opts.output) {
            writeFileSync(opts.output, text);
            const line = { written: opts.output, format, runId: run.id, decision: report.decision.decision };
            process.stdout.write(
              g.json && format !== 'json'
                ? `${JSON.stringify(line)}\n`
                : `wrote the ${format} report of ${run.id} to ${opts.output}: ${report.decision.decision}\n`,
            );
          } else process.stdout.write(text);
          return 0;
        });
      });
    });
}
