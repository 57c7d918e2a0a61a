// `migrate: {dir, database, backup, lockTimeout, allowOutOfOrder}`: applies pending SQL migrations
// with src/migrate (lock, checksums, backup, verify). Every fact becomes evidence via ctx.record.

import path from 'node:path';
import { z } from 'zod';
import { redactUrl, requireDatabaseUrl } from '../migrate/connection.js';
import { durationSchema } from '../plan/schema/common.js';
import { parseDuration } from '../shared/duration.js';
import { abortError } from './process-runner.js';
import { defineStepKind } from './step-kind.js';

const migrateSchema = z.strictObject({
  dir: z
    .string()
    .default('migrations')
    .meta({ description: 'Directory of NNNN_name.sql files, relative to the plan' }),
  database: z
    .string()
    .meta({ description: 'postgres:// URL of the database, usually "${{ env.DATABASE_URL }}"' }),
  backup: z
    .boolean()
    .default(false)
    .meta({ description: 'pg_dump -Fc and verify it before the first migration' }),
  lockTimeout: durationSchema.default('10s').meta({ description: 'How long to wait for the migration lock' }),
  allowOutOfOrder: z
    .boolean()
    .default(false)
    .meta({ description: 'Apply unapplied files numbered below the highest applied one' }),
});

export type MigrateParams = z.output<typeof migrateSchema>;

export const migrateStep = defineStepKind<MigrateParams>({
  kind: 'migrate',
  schema: migrateSchema,
  describe: (p) =>
    `migrate ${p.dir} on ${redactUrl(p.database)}${p.backup ? ' (backup first)' : ''}, lock timeout ${p.lockTimeout}`,
  async execute(ctx, p) {
    const databaseUrl = requireDatabaseUrl(p.database);
    try {
      // loaded when the step runs: the SQL parser is heavy and validate/plan never need it
      const { migrateUp } = await import('../migrate/index.js');
      const result = await migrateUp({
        databaseUrl,
        dir: path.resolve(ctx.planDir, p.dir),
        home: ctx.home,
        backup: p.backup,
        allowOutOfOrder: p.allowOutOfOrder,
        lockTimeoutMs: parseDuration(p.lockTimeout) ?? 10_000,
        runId: ctx.runId,
        onEvent: (kind, data) => ctx.record(kind, data),
        signal: ctx.signal,
        log: (line) => ctx.log(line),
      });
      const n = result.applied.length;
      return {
        summary:
          n === 0
            ? `up to date (${result.alreadyApplied} applied)`
            : `applied ${n} migration${n === 1 ? '' : 's'}`,
        data: {
          applied: result.applied.map((a) => ({
            version: a.version,
            file: a.file,
            durationMs: a.durationMs,
          })),
          alreadyApplied: result.alreadyApplied,
          backup: result.backup
            ? { file: result.backup.file, sha256: result.backup.sha256, sizeBytes: result.backup.sizeBytes }
            : null,
        },
      };
    } catch (err) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      throw err;
    }
  },
});
