// On a terminal the run is a live tree of phases and steps, redrawn in place. Runs the real CLI
// under a pseudo-terminal (util-linux `script`) so stdout is a TTY, as a person would see it.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tsxLoader } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.runIf(hasScript)('live tree on a TTY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-tty-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws phases and steps with their state, prints step output above the tree, and exits 0', () => {
    writeFileSync(
      join(dir, 'rollgate.yaml'),
      `app: shop
environments: { staging: {} }
phases:
  - name: build
    steps:
      - run: echo compiled-ok
  - name: test
    needs: [build]
    steps:
      - wait: 200ms
`,
    );
    const cli = `${process.execPath} --import ${tsxLoader} ${join(repoRoot, 'src/cli/main.ts')} deploy --env staging --version 1`;
    const log = join(dir, 'tty.log');
    execFileSync('script', ['-qec', cli, log], {
      cwd: dir,
      env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm', ROLLGATE_HOME: join(dir, '.rollgate') },
      stdio: 'ignore',
    });
    const screen = readFileSync(log, 'utf8');
    expect(screen).toContain('[build/0] compiled-ok');
    expect(screen).toMatch(/✓ build /);
    expect(screen).toMatch(/✓ test /);
    expect(screen).toContain('\x1b[1A'); // redrawn in place
    expect(screen).toContain('run SUCCEEDED');
  });
});
