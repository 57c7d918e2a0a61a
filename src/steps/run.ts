// `run`: a shell command. Exit 0 is success; anything else fails the step with the output's tail.

import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { RollgateError } from '../shared/errors.js';
import { runProcess } from './process-runner.js';
import { defineStepKind } from './step-kind.js';

const runObject = z.strictObject({
  command: z.string().min(1),
  cwd: z.string().optional().meta({ description: 'Working directory, relative to the plan file' }),
  env: z.record(z.string(), z.string()).optional(),
});

export const runSchema = z.union([z.string().min(1), runObject]).meta({
  description: 'A shell command, or {command, cwd, env}',
});

type RunParams = z.output<typeof runSchema>;

function normalize(p: RunParams): z.output<typeof runObject> {
  return typeof p === 'string' ? { command: p } : p;
}

export const runStep = defineStepKind<RunParams>({
  kind: 'run',
  schema: runSchema,
  describe: (p) => {
    const r = normalize(p);
    return `$ ${r.command}${r.cwd ? ` (in ${r.cwd})` : ''}`;
  },
  async execute(ctx, p) {
    const r = normalize(p);
    const result = await runProcess({
      command: r.command,
      cwd: resolve(ctx.planDir, r.cwd ?? '.'),
      env: { ...ctx.env, ...(r.env ?? {}) },
      signal: ctx.signal,
      onLine: (line) => ctx.log(line),
      onSpawn: (pid) => void ctx.record('process.started', { pid, host: hostname(), command: r.command }),
    });
    if (result.exitCode !== 0) {
      const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
      throw new RollgateError('STEP_FAILED', `command ${how}: ${r.command}`, {
        details: { exitCode: result.exitCode, signal: result.signal, tail: result.tail },
      });
    }
    return { summary: 'exit 0', exitCode: 0, data: { durationMs: result.durationMs } };
  },
});
