// Wraps every command action: maps errors to exit codes and prints them without stack traces.
// This is the only place that decides a process exit code.

import { ExitCode, RollgateError, ValidationError } from '../shared/errors.js';

export interface GlobalOptions {
  file: string;
  json: boolean;
}

export function printError(err: unknown, json: boolean): number {
  if (err instanceof RollgateError) {
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } })}\n`,
      );
    } else if (err instanceof ValidationError) {
      for (const p of err.problems) process.stderr.write(`${p.file}:${p.line}:${p.col}: ${p.message}\n`);
      process.stderr.write(
        `rollgate: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} found\n`,
      );
    } else {
      process.stderr.write(`rollgate: ${err.message}\n`);
    }
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL', message } })}\n`);
  else {
    process.stderr.write(`rollgate: internal error: ${message}\n`);
    if (process.env.ROLLGATE_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  }
  return ExitCode.internal;
}

/**
 * Runs a command body. The body returns the exit code (0 by default); thrown errors are mapped.
 * Exit is by process.exitCode so pending output flushes.
 */
export async function runAction(json: boolean, body: () => Promise<number | undefined>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (err) {
    process.exitCode = printError(err, json);
  }
}
