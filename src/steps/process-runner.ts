// Runs a shell command in its own process group, streams its output line by line, and on
// timeout/cancel kills the whole group (SIGTERM, then SIGKILL after a grace period) so no orphan
// survives the step.

import { spawn } from 'node:child_process';
import { RollgateError } from '../shared/errors.js';

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of output (for error messages and evidence). */
  tail: string[];
  durationMs: number;
}

export interface RunProcessOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  /** Called with the process group id once the command runs (recorded so a resume can reap it). */
  onSpawn?(pid: number): void;
  killGraceMs?: number;
}

const tailSize = 20;

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is already gone
  }
}

export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(abortError(options.signal));
      return;
    }
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true, // own process group: a timeout kills the command and everything it started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const tail: string[] = [];
    const lineReader = (stream: 'stdout' | 'stderr') => {
      let buffer = '';
      return {
        push(chunk: string) {
          buffer += chunk;
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            emit(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf('\n');
          }
        },
        flush() {
          if (buffer.length > 0) emit(buffer);
          buffer = '';
        },
      };
      function emit(line: string) {
        tail.push(line);
        if (tail.length > tailSize) tail.shift();
        options.onLine(line, stream);
      }
    };
    const out = lineReader('stdout');
    const err = lineReader('stderr');
    child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(
        () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'),
        options.killGraceMs ?? 2000,
      );
      killTimer.unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(new RollgateError('STEP_FAILED', `cannot start command: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, sig) => {
      options.signal.removeEventListener('abort', onAbort);
      out.flush();
      err.flush();
      // The shell may be gone while children it started live on: make sure the group is dead.
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      if (options.signal.aborted) {
        reject(abortError(options.signal));
        return;
      }
      resolve({ exitCode: code, signal: sig, tail, durationMs: Date.now() - started });
    });
  });
}

/** The error an aborted step ends with: the reason given to AbortController.abort(), if it is ours. */
export function abortError(signal: AbortSignal): RollgateError {
  const r: unknown = signal.reason;
  if (r instanceof RollgateError) return r;
  return new RollgateError('CANCELLED', 'cancelled');
}
