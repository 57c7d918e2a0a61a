// Benchmark (not a test): times applying a set of 20 migrations to a fresh PostgreSQL database,
// with and without a backup, a no-op run, the dry run and the lint. Prints one line per figure.
// Run: npx tsx bench/migrate/apply-20.ts [runs=5]   (needs PostgreSQL at 127.0.0.1:5432, trust auth)

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { lintMigrations, migratePlan, migrateUp } from '../../src/migrate/index.js';
import { createTestDatabase } from '../../test/helpers/pg-database.js';

const runs = Number(process.argv[2] ?? 5);

function migrationSet(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 20; i++) {
    const v = String(i).padStart(4, '0');
    const t = `t${Math.ceil(i / 4)}`;
    switch (i % 4) {
      case 1:
        files[`${v}_create_${t}.sql`] =
          `CREATE TABLE ${t} (id bigserial PRIMARY KEY, name text NOT NULL, n int NOT NULL);\n` +
          `INSERT INTO ${t} (name, n) SELECT 'row ' || g, g FROM generate_series(1, 5000) g;`;
        files[`${v}_create_${t}.down.sql`] = `DROP TABLE ${t};`;
        files[`${v}_create_${t}.verify.sql`] = `SELECT count(*) = 5000 FROM ${t};`;
        break;
      case 2:
        files[`${v}_${t}_add_flag.sql`] =
          `SET lock_timeout = '5s';\nALTER TABLE ${t} ADD COLUMN flag boolean NOT NULL DEFAULT false;`;
        break;
      case 3:
        files[`${v}_${t}_n_index.sql`] =
          `-- rollgate:no-transaction\nCREATE INDEX CONCURRENTLY ${t}_n_idx ON ${t} (n);`;
        break;
      default:
        files[`${v}_${t}_backfill.sql`] =
          `UPDATE ${t} SET flag = (n % 2 = 0);\nCOMMENT ON TABLE ${t} IS 'bench';`;
    }
  }
  return files;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] as number;
  return `median ${median.toFixed(0)} ms, min ${(s[0] as number).toFixed(0)} ms, max ${(s.at(-1) as number).toFixed(0)} ms (n=${s.length})`;
}

async function resetSchema(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await c.end();
}

const db = await createTestDatabase('rg_bench_migrate');
const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-bench-migrations-'));
const home = await mkdtemp(path.join(os.tmpdir(), 'rg-bench-home-'));
try {
  for (const [f, sql] of Object.entries(migrationSet())) await writeFile(path.join(dir, f), sql);
  const lintStart = performance.now();
  const findings = await lintMigrations(dir);
  const lintMs = performance.now() - lintStart;

  const plain: number[] = [];
  const withBackup: number[] = [];
  const noop: number[] = [];
  let perFile: number[] = [];
  let backupBytes = 0;
  for (let r = 0; r < runs; r++) {
    await resetSchema(db.url);
    let t = performance.now();
    const res = await migrateUp({ databaseUrl: db.url, dir, home });
    plain.push(performance.now() - t);
    perFile = res.applied.map((a) => a.durationMs);
    t = performance.now();
    await migrateUp({ databaseUrl: db.url, dir, home });
    noop.push(performance.now() - t);

    // with a backup of a non-empty database (the first 10 migrations already applied)
    await resetSchema(db.url);
    const half = await mkdtemp(path.join(os.tmpdir(), 'rg-bench-half-'));
    for (const [f, sql] of Object.entries(migrationSet()).filter(([f]) => Number(f.slice(0, 4)) <= 10)) {
      await writeFile(path.join(half, f), sql);
    }
    await migrateUp({ databaseUrl: db.url, dir: half, home });
    await rm(half, { recursive: true });
    t = performance.now();
    const b = await migrateUp({ databaseUrl: db.url, dir, home, backup: true });
    withBackup.push(performance.now() - t);
    backupBytes = b.backup?.sizeBytes ?? 0;
  }
  await resetSchema(db.url);
  const planStart = performance.now();
  const plan = await migratePlan({ databaseUrl: db.url, dir, home });
  const planMs = performance.now() - planStart;

  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const version = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
  await c.end();
  console.log(`PostgreSQL ${version}, Node ${process.version}, ${os.cpus().length} CPUs`);
  console.log(
    `apply 20 migrations (5 tables x 5000 rows, 5 CREATE INDEX CONCURRENTLY, verify files): ${stats(plain)}`,
  );
  console.log(
    `  per file (last run): sum ${perFile.reduce((a, b) => a + b, 0)} ms, largest ${Math.max(...perFile)} ms, smallest ${Math.min(...perFile)} ms`,
  );
  console.log(`up with nothing pending (lock + history check): ${stats(noop)}`);
  console.log(
    `apply the last 10 with --backup (pg_dump -Fc + pg_restore --list first; dump ${backupBytes} bytes): ${stats(withBackup)}`,
  );
  console.log(`plan (dry run of 20): ${planMs.toFixed(0)} ms, ${plan.actions.length} actions`);
  console.log(`lint of 20 files: ${lintMs.toFixed(0)} ms, ${findings.length} findings`);
} finally {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
}
