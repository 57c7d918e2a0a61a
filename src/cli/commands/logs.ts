// `rollgate logs --env E [--version V] [-f]`: prints the captured stdout/stderr of an
// environment's instances (rotated files under $ROLLGATE_HOME/agent/logs/<env>/), optionally
// following new output.

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { instanceLogDir } from '../../agent/paths.js';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';
import { globalOptions, rollgateHome } from '../context.js';

function logFiles(dir: string, version: string | undefined): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.log') && (version === undefined || n.startsWith(`${version}-`)))
    .sort()
    .map((n) => path.join(dir, n));
}

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("print the output of an environment's app instances")
    .requiredOption('--env <name>', 'environment')
    .option('--version <version>', 'only this release')
    .option('-f, --follow', 'keep printing new output (Ctrl-C to stop)', false)
    .option('--tail <lines>', 'last lines of each file', '200')
    .action(async (opts: { env: string; version?: string; follow: boolean; tail: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      await runAction(g.json, async () => {
        const dir = instanceLogDir(rollgateHome(), opts.env);
        const files = logFiles(dir, opts.version);
        if (files.length === 0) {
          throw new RollgateError(
            'NOT_FOUND',
            `no instance logs for ${opts.env}${opts.version ? ` version ${opts.version}` : ''} in ${dir}`,
          );
        }
        const tail = Math.max(0, Number(opts.tail) || 200);
        const offsets = new Map<string, number>();
        const emit = (file: string, line: string) => {
          const name = path.basename(file, '.log');
          process.stdout.write(
            g.json ? `${JSON.stringify({ instance: name, line })}\n` : `${name} | ${line}\n`,
          );
        };
        for (const f of files) {
          const text = fs.readFileSync(f, 'utf8');
          offsets.set(f, Buffer.byteLength(text));
          for (const line of text
            .split('\n')
            .filter((l) => l !== '')
            .slice(-tail))
            emit(f, line);
        }
        if (!opts.follow) return 0;
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            for (const f of logFiles(dir, opts.version)) {
              let size: number;
              try {
                size = fs.statSync(f).size;
              } catch {
                continue;
              }
              let from = offsets.get(f) ?? 0;
              if (size < from) from = 0; // rotated (truncated)
              if (size === from) continue;
              const fd = fs.openSync(f, 'r');
              const buf = Buffer.alloc(size - from);
              fs.readSync(fd, buf, 0, buf.length, from);
              fs.closeSync(fd);
              offsets.set(f, size);
              for (const line of buf
                .toString('utf8')
                .split('\n')
                .filter((l) => l !== ''))
                emit(f, line);
            }
          }, 250);
          process.once('SIGINT', () => {
            clearInterval(timer);
            resolve();
          });
        });
        return 0;
      });
    });
}
