// `rollgate validate` refuses a plan that runs a destructive or renaming migration before (or
// alongside) a canary or blue-green step: the old release still serves traffic then.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/pg-database.js';

const plan = (migrateNeeds: string, rolloutNeeds: string) => `
app: shop
service: { start: "node server.js" }
environments: { staging: { target: { kind: local, listen: 18080 } } }
phases:
  - name: migrate
    needs: [${migrateNeeds}]
    steps:
      - migrate: { dir: migrations, database: "postgres://nobody@127.0.0.1:1/none" }
  - name: rollout
    needs: [${rolloutNeeds}]
    steps:
      - deploy: { strategy: canary, steps: [ { setWeight: 10 }, { setWeight: 100 } ] }
`;

describe('validate: expand/contract migrations around a canary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-validate-'));
  cpSync(join(repoRoot, 'test/fixtures/migrations/unsafe'), join(dir, 'migrations'), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails a plan that migrates destructively before the canary, naming file, line and why', async () => {
    writeFileSync(join(dir, 'rollgate.yaml'), plan('', 'migrate'));
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /migrations\/0002_unsafe\.sql:\d+:\d+: renaming column .*before the canary step rollout\/0/,
    );
    expect(r.stderr).toMatch(/migrations\/0002_unsafe\.sql:\d+:\d+: DROP COLUMN .*expand .* contract/);
  });

  it('accepts the same migrations when they run after the canary (the contract release)', async () => {
    writeFileSync(join(dir, 'rollgate.yaml'), plan('rollout', ''));
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('counts only pending migrations when the database answers: an applied contract step no longer blocks', async () => {
    const db = await createTestDatabase('rg_validate');
    const own = join(dir, 'applied');
    mkdirSync(join(own, 'migrations'), { recursive: true });
    writeFileSync(join(own, 'migrations', '0001_t.sql'), 'CREATE TABLE t (a int, b int);\n');
    writeFileSync(
      join(own, 'migrations', '0002_drop_b.sql'),
      "-- rollgate:allow destructive\nSET lock_timeout = '5s';\nALTER TABLE t DROP COLUMN b;\n",
    );
    writeFileSync(
      join(own, 'rollgate.yaml'),
      plan('', 'migrate').replace('postgres://nobody@127.0.0.1:1/none', '${{ env.DATABASE_URL }}'),
    );
    try {
      const env = { DATABASE_URL: db.url };
      const before = await runCli(['validate'], { cwd: own, env });
      expect(before.code).toBe(2);
      expect(before.stderr).toMatch(/0002_drop_b\.sql:3:1: DROP COLUMN t\.b/);
      expect((await runCli(['migrate', 'up'], { cwd: own, env })).code).toBe(0);
      const after = await runCli(['validate'], { cwd: own, env });
      expect(after.stderr).toBe('');
      expect(after.code).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
