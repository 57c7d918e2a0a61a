#!/usr/bin/env node
// The rollgate command line: builds the commander program from one file per command.

import { Command, CommanderError } from 'commander';
import { printError } from './action.js';
import { registerCommands } from './commands/index.js';

// A closed pipe (`rollgate schema | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const program = new Command();
program
  .name('rollgate')
  .description(
    'Deployment orchestrator: plans, migrations, canary rollouts with statistical gates, evidence-based reports.',
  )
  .option('-f, --file <path>', 'plan file', 'rollgate.yaml')
  .option('--json', 'machine-readable output (NDJSON events for long commands)', false)
  .showHelpAfterError('(add --help for usage and examples)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerCommands(program);

program.addHelpText(
  'after',
  `
Exit codes:
  0  succeeded
  1  deploy failed or rolled back
  2  invalid input (plan, flags, arguments)
  3  cancelled or rejected by a person
  4  environment locked by another run

Environment:
  ROLLGATE_HOME          state directory (default ./.rollgate)
  ROLLGATE_DATABASE_URL  use PostgreSQL as the store instead of SQLite
  NO_COLOR, CI           plain output`,
);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version exit with 0; usage errors are invalid input
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = printError(err, program.opts().json === true);
  }
}
