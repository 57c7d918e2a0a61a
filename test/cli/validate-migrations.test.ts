// `rollgate validate` refuses a plan that runs a destructive or renaming migration before (or
// alongside) a canary or blue-green step: the old release still serves traffic then.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

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
});
