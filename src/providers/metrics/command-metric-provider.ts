// Metric provider `command`: runs the query as a shell command and reads a number, an array of
// numbers, or {"value": n, "samples": [...]} from its stdout. The command learns what to measure
// from ROLLGATE_VERSION, ROLLGATE_ROLE, ROLLGATE_ENVIRONMENT, ROLLGATE_FROM and ROLLGATE_TO (epoch ms).

import { spawn } from 'node:child_process';
import { RollgateError } from '../../shared/errors.js';
import {
  type MetricProvider,
  type MetricQuery,
  type MetricReading,
  readingFromJson,
} from './metric-provider.js';

const commandTimeoutMs = 30_000;
const maxOutput = 1_000_000;

export function createCommandMetricProvider(): MetricProvider {
  return {
    name: 'command',
    async read(q: MetricQuery): Promise<MetricReading> {
      const { code, stdout, stderr } = await run(q);
      if (code !== 0) {
        const last = stderr.trim().split('\n').slice(-1)[0] ?? '';
        throw new RollgateError(
          'STEP_FAILED',
          `metric command exited ${code}${last ? `: ${last.slice(0, 200)}` : ''}`,
        );
      }
      const text = stdout.trim();
      if (text === '') return { value: null, sampleCount: 0, samples: [] };
      let doc: unknown = text;
      try {
        doc = JSON.parse(text);
      } catch {
        // not JSON: maybe a bare number; readingFromJson accepts numeric strings
      }
      const reading = readingFromJson(doc);
      if (!reading)
        throw new RollgateError(
          'STEP_FAILED',
          `metric command printed ${JSON.stringify(text.slice(0, 80))}, not a number or JSON`,
        );
      return reading;
    },
  };
}

function run(q: MetricQuery): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', q.query], {
      detached: true, // own process group, so a timeout kills everything the command started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ROLLGATE_VERSION: q.version,
        ROLLGATE_ROLE: q.role,
        ROLLGATE_ENVIRONMENT: q.environment,
        ROLLGATE_FROM: String(q.range.from),
        ROLLGATE_TO: String(q.range.to),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < maxOutput) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < maxOutput) stderr += d;
    });
    let why: string | undefined;
    const kill = (reason: string) => {
      why = reason;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill(`timed out after ${commandTimeoutMs / 1000}s`), commandTimeoutMs);
    const onAbort = () => kill('stopped');
    q.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      q.signal.removeEventListener('abort', onAbort);
      reject(
        new RollgateError('STEP_FAILED', `metric command could not start: ${err.message}`, { cause: err }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      q.signal.removeEventListener('abort', onAbort);
      if (why) reject(new RollgateError('STEP_FAILED', `metric command ${why}`));
      else resolve({ code, stdout, stderr });
    });
  });
}
