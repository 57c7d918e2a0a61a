// `rollgate init [--force] [--yes]`: writes a commented rollgate.yaml for the project in the current
// folder. On a terminal it asks for the app name, start command and port (Enter keeps the value
// read from package.json); without a terminal, or with --yes, it asks nothing.

import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';
import { globalOptions } from '../context.js';
import { appName, detectProject, type ProjectFacts, renderInitTemplate } from '../init-template.js';

async function ask(facts: ProjectFacts): Promise<ProjectFacts> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = async (question: string, current: string) =>
      (await rl.question(`${question} [${current}]: `)).trim() || current;
    const app = appName(await answer('app name', facts.app));
    const start = await answer('command that starts one instance (listens on $PORT)', facts.start);
    const portText = await answer('port of the staging router', String(facts.port));
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65534) {
      throw new RollgateError('INVALID_INPUT', `port ${portText}: expected a number from 1 to 65534`);
    }
    return { ...facts, app, port, ...(start !== facts.start && { start, startSource: 'main' as const }) };
  } finally {
    rl.close();
  }
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('write a commented rollgate.yaml for the project in this folder')
    .option('--force', 'overwrite an existing plan file')
    .option('-y, --yes', 'ask nothing; use what package.json says')
    .addHelpText('after', '\nExample:\n  rollgate init && rollgate validate')
    .action(async (opts: { force?: boolean; yes?: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const file = resolve(g.file);
        if (existsSync(file) && !opts.force) {
          throw new RollgateError('INVALID_INPUT', `${g.file} already exists; use --force to overwrite it`);
        }
        let facts = detectProject(process.cwd());
        if (process.stdin.isTTY && !opts.yes && !g.json) facts = await ask(facts);
        writeFileSync(file, renderInitTemplate(facts));
        if (g.json) {
          process.stdout.write(
            `${JSON.stringify({ written: g.file, app: facts.app, start: facts.start, startSource: facts.startSource })}\n`,
          );
        } else {
          process.stdout.write(
            `wrote ${g.file} for ${facts.app} (start: ${facts.start}${facts.startSource === 'placeholder' ? ' — a placeholder: edit it' : ''})\nnext: rollgate validate && rollgate plan --env staging\n`,
          );
        }
        return 0;
      });
    });
}
