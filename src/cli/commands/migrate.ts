// `rollgate migrate status|plan|up|down|verify|lint|baseline|repair|restore`: argument parsing and
// rendering only; the work is in src/migrate.

import path from 'node:path';
import type { Command } from 'commander';
import type * as MigrateLib from '../../migrate/index.js';
import { durationHint, parseDuration } from '../../shared/duration.js';
import { RollgateError } from '../../shared/errors.js';
import { runAction } from '../action.js';

interface MigrateFlags {
  database?: string;
  dir: string;
  json?: boolean;
  backup?: boolean;
  lockTimeout: string;
  allowOutOfOrder?: boolean;
  to?: string;
  version?: string;
  into?: string;
}

// The migration library (pg, the SQL parser) loads only when a migrate command runs, so other
// commands start fast; the preAction hook below loads it.
let loaded: typeof MigrateLib | undefined;
function lib(): typeof MigrateLib {
  if (!loaded) throw new Error('the migrate library was not loaded');
  return loaded;
}

function home(): string {
  return path.resolve(process.env.ROLLGATE_HOME ?? '.rollgate');
}

function lockTimeoutMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new RollgateError('INVALID_INPUT', `--lock-timeout ${text}: expected ${durationHint}`);
  return ms;
}

function integer(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || n < min) {
    throw new RollgateError(
      'INVALID_INPUT',
      `${flag} expects a migration number${min === 0 ? ' (0 for none)' : ''}, got ${text ?? 'nothing'}`,
    );
  }
  return n;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Options common to the commands that run: NDJSON events with --json, plain lines otherwise. */
function runOptions(flags: MigrateFlags, json: boolean) {
  return {
    databaseUrl: lib().requireDatabaseUrl(flags.database),
    dir: flags.dir,
    lockTimeoutMs: lockTimeoutMs(flags.lockTimeout),
    onEvent: json
      ? (kind: string, data: Record<string, unknown>) => out(JSON.stringify({ event: kind, ...data }))
      : undefined,
    log: json ? undefined : out,
  };
}

function withCommon(cmd: Command, options: { database?: boolean; lock?: boolean } = {}): Command {
  cmd.option('--dir <path>', 'directory of NNNN_name.sql files', 'migrations');
  if (options.database !== false) {
    // why: no commander default, which would print the URL (and its password) in --help
    cmd.option('--database <url>', 'postgres:// URL of the database (default: $DATABASE_URL)');
  }
  if (options.lock) cmd.option('--lock-timeout <duration>', 'how long to wait for the migration lock', '10s');
  else cmd.setOptionValueWithSource('lockTimeout', '10s', 'default');
  return cmd;
}

function flagsOf(cmd: Command): { flags: MigrateFlags; json: boolean } {
  const flags = cmd.optsWithGlobals<MigrateFlags>();
  flags.database ??= process.env.DATABASE_URL;
  return { flags, json: flags.json === true };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function registerMigrateCommand(program: Command): void {
  const migrate = program
    .command('migrate')
    .description('PostgreSQL migrations: checksums, a session lock, backup, verify, lint, dry run, down')
    .hook('preAction', async () => {
      loaded ??= await import('../../migrate/index.js');
    })
    .addHelpText(
      'after',
      `
Files: NNNN_name.sql, optional NNNN_name.down.sql and NNNN_name.verify.sql, applied in number order.
Each file runs in its own transaction; put "-- rollgate:no-transaction" on its first line for
CREATE INDEX CONCURRENTLY and the like. "-- rollgate:allow destructive" permits DROP TABLE/COLUMN.

Example:
  export DATABASE_URL=postgres://app@127.0.0.1:5432/shop
  rollgate migrate lint && rollgate migrate plan && rollgate migrate up --backup`,
    );

  withCommon(
    migrate
      .command('status')
      .description('show each migration: applied, pending, changed since applied, failed, missing')
      .addHelpText(
        'after',
        '\nExample:\n  rollgate migrate status --database postgres://app@127.0.0.1/shop --json',
      ),
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const state = await lib().migrateStatus({
        databaseUrl: lib().requireDatabaseUrl(flags.database),
        dir: flags.dir,
      });
      if (json) {
        out(JSON.stringify({ entries: state.entries, pending: state.pending.map((p) => p.version) }));
        return 0;
      }
      out(`${pad('VERSION', 9)}${pad('STATE', 14)}${pad('FILE', 40)}APPLIED`);
      for (const e of state.entries) {
        const applied = e.appliedAt ? `${e.appliedAt} by ${e.appliedBy} (${e.durationMs} ms)` : '';
        out(
          `${pad(String(e.version), 9)}${pad(e.state, 14)}${pad(e.file ?? `(${e.name}: file missing)`, 40)}${applied}`,
        );
      }
      out(`${state.pending.length} pending`);
      return 0;
    });
  });

  withCommon(
    migrate
      .command('plan')
      .description('dry run: the SQL that "up" would run, in order, with the lock, backup and transactions')
      .option('--backup', 'include the backup step', false)
      .option('--allow-out-of-order', 'include unapplied files numbered below the highest applied one', false)
      .addHelpText('after', '\nExample:\n  rollgate migrate plan --backup            # changes nothing'),
    { lock: true },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const plan = await lib().migratePlan({
        databaseUrl: lib().requireDatabaseUrl(flags.database),
        dir: flags.dir,
        backup: flags.backup === true,
        lockTimeoutMs: lockTimeoutMs(flags.lockTimeout),
        allowOutOfOrder: flags.allowOutOfOrder === true,
        home: home(),
      });
      out(json ? JSON.stringify(plan) : lib().renderPlan(plan));
      return 0;
    });
  });

  withCommon(
    migrate
      .command('up')
      .description('apply pending migrations (lock, checksum check, optional backup, verify)')
      .option(
        '--backup',
        'pg_dump -Fc into $ROLLGATE_HOME/backups and verify it before the first migration',
        false,
      )
      .option('--allow-out-of-order', 'apply unapplied files numbered below the highest applied one', false)
      .addHelpText('after', '\nExample:\n  rollgate migrate up --backup --lock-timeout 30s'),
    { lock: true },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const result = await lib().migrateUp({
        ...runOptions(flags, json),
        home: home(),
        backup: flags.backup === true,
        allowOutOfOrder: flags.allowOutOfOrder === true,
      });
      if (json) out(JSON.stringify({ result }));
      else out(`${result.applied.length} applied, ${result.alreadyApplied} were already applied`);
      return 0;
    });
  });

  withCommon(
    migrate
      .command('down')
      .description('revert applied migrations above --to VERSION, newest first, with their .down.sql files')
      .requiredOption('--to <version>', 'keep this version and below (0 reverts everything)')
      .addHelpText('after', '\nExample:\n  rollgate migrate down --to 3              # reverts 5, then 4'),
    { lock: true },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const to = integer('--to', flags.to, 0);
      const result = await lib().migrateDown({ ...runOptions(flags, json), to });
      if (json) out(JSON.stringify({ result }));
      else out(`${result.reverted.length} reverted`);
      return 0;
    });
  });

  withCommon(
    migrate
      .command('verify')
      .description('run the .verify.sql assertions of every applied migration (read-only)')
      .addHelpText(
        'after',
        '\nExample:\n  rollgate migrate verify --json            # exit 1 when an assertion fails',
      ),
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const r = await lib().migrateVerify(runOptions(flags, json));
      if (json) out(JSON.stringify({ result: r }));
      for (const v of json ? [] : r.results) {
        for (const a of v.assertions.filter((x) => !x.ok)) {
          out(
            `  ${a.file}:${a.line}:${a.col}: ${a.error ?? `expected a single true, got ${a.got}`}: ${a.statement}`,
          );
        }
      }
      if (!json)
        out(
          `${r.results.length} verify file${r.results.length === 1 ? '' : 's'}: ${r.ok ? 'all passed' : 'FAILED'}`,
        );
      return r.ok ? 0 : 1;
    });
  });

  withCommon(
    migrate
      .command('lint')
      .description(
        'flag unsafe migrations (locks, rewrites, destructive changes) with FILE:LINE:COL and a hint',
      )
      .addHelpText(
        'after',
        '\nSilence a rule for one file with "-- rollgate:allow RULE". Needs no database.\nExample:\n  rollgate migrate lint --dir db/migrations',
      ),
    { database: false },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const findings = await lib().lintMigrations(flags.dir);
      const failing = lib().failingFindings(findings);
      if (json) out(JSON.stringify({ findings }));
      else {
        for (const f of findings) out(lib().formatFinding(f));
        out(
          failing.length === 0
            ? `no problems in ${flags.dir}${findings.length > 0 ? ` (${findings.length} allowed)` : ''}`
            : `${failing.length} problem${failing.length === 1 ? '' : 's'} in ${flags.dir}`,
        );
      }
      return failing.length === 0 ? 0 : 1;
    });
  });

  withCommon(
    migrate
      .command('baseline')
      .description('mark an existing schema as applied up to --version N (empty history only)')
      .requiredOption('--version <n>', 'highest version the database already has')
      .addHelpText('after', '\nExample:\n  rollgate migrate baseline --version 12'),
    { lock: true },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const r = await lib().migrateBaseline({
        ...runOptions(flags, json),
        version: integer('--version', flags.version, 1),
      });
      if (json) out(JSON.stringify({ result: r }));
      return 0;
    });
  });

  withCommon(
    migrate
      .command('repair')
      .description(
        'accept edited files (new checksum, recording who) and clear failed no-transaction entries',
      )
      .addHelpText('after', '\nExample:\n  ROLLGATE_USER=alice rollgate migrate repair'),
    { lock: true },
  ).action(async (_o, cmd: Command) => {
    const { flags, json } = flagsOf(cmd);
    await runAction(json, async () => {
      const r = await lib().migrateRepair(runOptions(flags, json));
      if (json) out(JSON.stringify({ result: r }));
      return 0;
    });
  });

  migrate
    .command('restore')
    .description('restore a backup taken by "up --backup" (sha256 checked first)')
    .argument('<backup>', 'path of the .dump file in $ROLLGATE_HOME/backups')
    .option('--database <url>', 'postgres:// URL (default: $DATABASE_URL); restored over it unless --into')
    .option('--into <name>', 'create this new database on the same server and restore there instead')
    .addHelpText(
      'after',
      '\nExample:\n  rollgate migrate restore .rollgate/backups/shop-2024-05-01T10-00-00-000Z.dump --into shop_restored',
    )
    .action(async (backup: string, _o, cmd: Command) => {
      const { flags, json } = flagsOf(cmd);
      await runAction(json, async () => {
        const r = await lib().restoreBackup({
          backupFile: path.resolve(backup),
          databaseUrl: lib().requireDatabaseUrl(flags.database),
          ...(flags.into !== undefined ? { into: flags.into } : {}),
        });
        out(
          json
            ? JSON.stringify({ result: r })
            : `restored ${r.backup} into ${lib().redactUrl(r.database)} in ${r.durationMs} ms`,
        );
        return 0;
      });
    });
}
