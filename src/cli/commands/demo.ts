// `rollgate demo`: the whole story on one machine, no setup — see src/cli/demo/demo-story.ts.

import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../shared/duration.js';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';
import type { DemoResult } from '../demo/demo-story.js';
import { createRenderer } from '../render/renderers.js';

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function printSummary(
  r: DemoResult,
  reports: Record<string, { files: string[]; decision: string }>,
  elapsedMs: number,
): void {
  const out: string[] = ['', '== what happened (every figure is from the recorded events)'];
  for (const a of r.acts) {
    out.push(
      `${a.ok ? 'as expected' : 'UNEXPECTED '}  ${a.name}: ${a.status}${a.ok ? '' : ` (expected ${a.expected})`}   run ${a.runId}`,
    );
    for (const g of a.figures.gates) {
      const metrics = g.metrics
        .map(
          (m) =>
            `${m.name}=${typeof m.value === 'number' ? Number(m.value.toFixed(4)) : String(m.value)} ${m.verdict}`,
        )
        .join(', ');
      out.push(
        `    gate ${g.gate}: ${g.verdict}${g.score !== null ? ` (score ${g.score.toFixed(0)})` : ''} — ${metrics}   [event ${g.eventId}]`,
      );
    }
    if (a.figures.load) {
      const l = a.figures.load;
      out.push(
        `    synthetic load: ${l.requests} requests, ${l.errors} errors, p95 ${l.p95 ?? '-'} ms   [event ${l.eventId}]`,
      );
    }
    if (a.figures.migrationsApplied > 0) {
      out.push(
        `    migrations applied: ${a.figures.migrationsApplied}${a.figures.backupBytes ? `, backup ${a.figures.backupBytes} bytes verified` : ''}`,
      );
    }
    if (a.figures.rollbackMs !== undefined) {
      out.push(
        `    rolled back ${formatDuration(a.figures.rollbackMs)} after the canary got traffic: ${a.figures.abortReason}   [events ${a.figures.rollbackEventIds?.join(', ')}]`,
      );
      out.push(`    rollback hook ran: ${a.figures.hookRan ? 'yes' : 'no'}`);
    }
    for (const s of a.served ?? [])
      out.push(
        `    router counted for ${s.version}: ${s.requests} requests, ${s.errors} errors during this act`,
      );
    const rep = reports[a.runId];
    if (rep) out.push(`    report (${rep.decision}): ${rep.files.join('  ')}`);
  }
  out.push(
    `migration act: ${r.migration.ran ? `ran (${r.migration.note})` : `skipped — ${r.migration.note}`}`,
  );
  out.push(`traffic now: ${r.finalTraffic.map((t) => `${t.version} ${t.weight}%`).join(', ')}`);
  out.push(
    `demo ${r.ok ? 'PLAYED AS EXPECTED' : 'DID NOT PLAY AS EXPECTED'} in ${formatDuration(elapsedMs)}; state and plans in ${relative(process.cwd(), r.dir) || r.dir}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole story on this machine: deploy v1, canary v2 under load and promote, canary a failing v3 and watch it roll back',
    )
    .option('--fast', 'shorter analysis windows (for CI)', false)
    .option('--keep', 'leave the agent and the demo app running and print their URLs', false)
    .addHelpText(
      'after',
      `
Needs nothing but this package: it starts a local agent, the demo app (examples/demo-app) and
synthetic load. When PostgreSQL answers on 127.0.0.1:5432 (or ROLLGATE_DEMO_DATABASE_URL), act 2
also migrates a scratch database, which is dropped afterwards. State, plans and reports go to
$ROLLGATE_HOME/demo/<time>/. Exit 0 when the story played as expected.

Examples:
  rollgate demo
  rollgate demo --fast --json`,
    )
    .action(async (opts: { fast: boolean; keep: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const started = Date.now();
        // the demo pulls in pg, the agent client and the report renderers: load them only here
        const { dropScratchDatabase, runDemo } = await import('../demo/demo-story.js');
        const { writeRunReports } = await import('../demo/demo-reports.js');
        const dir = join(rollgateHome(), 'demo', stamp());
        mkdirSync(dir, { recursive: true });
        const { createStore } = await import('../../store/create-store.js');
        const store = await createStore({ home: dir });
        const renderer = createRenderer(g.json);
        const controller = new AbortController();
        const onSignal = () => controller.abort(new RollgateError('CANCELLED', 'demo cancelled'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const say = (line: string) => (g.json ? undefined : process.stdout.write(`${line}\n`));
        let result: (DemoResult & { scratch?: { adminUrl: string; name: string } }) | undefined;
        try {
          say(`Rollgate demo${opts.fast ? ' (fast)' : ''}: state in ${relative(process.cwd(), dir)}`);
          result = await runDemo({
            dir,
            fast: opts.fast,
            store,
            reporter: renderer,
            signal: controller.signal,
            say,
          });
          renderer.close();
          const reports: Record<string, { files: string[]; decision: string }> = {};
          for (const a of result.acts)
            reports[a.runId] = await writeRunReports(store, a.runId, join(dir, 'reports'));
          if (g.json) {
            const { scratch: _scratch, ...shown } = result;
            process.stdout.write(
              `${JSON.stringify({ type: 'demo', ...shown, reports, elapsedMs: Date.now() - started })}\n`,
            );
          } else printSummary(result, reports, Date.now() - started);
          if (opts.keep) {
            say(`\nstill running (--keep): the demo shop at http://127.0.0.1:${result.port}/`);
            say(`  rollgate status --env demo   (with ROLLGATE_HOME=${dir})`);
            say(`  stop it with: ROLLGATE_HOME=${dir} rollgate agent stop`);
          }
          return result.ok ? 0 : 1;
        } finally {
          renderer.close();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          if (!opts.keep) {
            const { stopAgent } = await import('../../agent/client.js');
            await stopAgent(dir, { stopInstances: true }).catch(() => undefined);
            if (result?.scratch)
              await dropScratchDatabase(result.scratch.adminUrl, result.scratch.name).catch(() => undefined);
          }
          await store.close();
        }
      });
    });
}
