import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
function project(pkg?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-init-'));
  dirs.push(dir);
  if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
}
const env = (dir: string) => ({ ROLLGATE_HOME: join(dir, '.rollgate') });

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('rollgate init', () => {
  it('writes a plan from package.json without asking (no TTY) that rollgate validate accepts as written', async () => {
    const dir = project({
      name: '@acme/web-shop',
      main: 'dist/server.js',
      scripts: { start: 'node dist/server.js', test: 'vitest run' },
    });
    const init = await runCli(['init'], { cwd: dir, env: env(dir) });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('wrote rollgate.yaml for web-shop');
    const text = readFileSync(join(dir, 'rollgate.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/rollgate/schema.json');
    expect(text).toContain('app: web-shop');
    expect(text).toContain('start: "npm start --silent"');
    expect(text).toContain('- run: npm test');
    const v = await runCli(['validate', '--json'], { cwd: dir, env: env(dir) });
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({
      valid: true,
      app: 'web-shop',
      environments: ['staging', 'production'],
    });
    const plan = await runCli(['plan', '--env', 'staging'], { cwd: dir, env: env(dir) });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });

  it('uses main when there is no start script, and a marked placeholder when there is no package.json', async () => {
    const withMain = project({ name: 'api', main: 'index.js' });
    expect((await runCli(['init'], { cwd: withMain, env: env(withMain) })).code).toBe(0);
    expect(readFileSync(join(withMain, 'rollgate.yaml'), 'utf8')).toContain('start: "node index.js"');

    const bare = project();
    const r = await runCli(['init'], { cwd: bare, env: env(bare) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a placeholder: edit it');
    expect(readFileSync(join(bare, 'rollgate.yaml'), 'utf8')).toContain(
      '# TODO: the command that starts one instance',
    );
    expect((await runCli(['validate'], { cwd: bare, env: env(bare) })).code).toBe(0);
  });

  it('never overwrites an existing plan without --force', async () => {
    const dir = project({ name: 'shop', scripts: { start: 'node s.js' } });
    writeFileSync(join(dir, 'rollgate.yaml'), 'app: mine\n');
    const r = await runCli(['init'], { cwd: dir, env: env(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rollgate.yaml already exists; use --force');
    expect(readFileSync(join(dir, 'rollgate.yaml'), 'utf8')).toBe('app: mine\n');
    expect((await runCli(['init', '--force'], { cwd: dir, env: env(dir) })).code).toBe(0);
    expect(readFileSync(join(dir, 'rollgate.yaml'), 'utf8')).toContain('app: shop');
  });
});
