// Entry of the rollgate agent program: `node main.js --home <ROLLGATE_HOME>`. The CLI spawns it
// detached; it runs until asked to stop through the control API or a signal.

import path from 'node:path';
import { runAgent } from './agent-server.js';

function homeArg(argv: string[]): string {
  const i = argv.indexOf('--home');
  const value = i >= 0 ? argv[i + 1] : process.env.ROLLGATE_HOME;
  return path.resolve(value ?? '.rollgate');
}

runAgent(homeArg(process.argv.slice(2))).catch((err: unknown) => {
  process.stderr.write(`rollgate agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
