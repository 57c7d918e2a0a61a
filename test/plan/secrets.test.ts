// Secrets: the KEY=VALUE file, resolution from file and environment, and the redactor that keeps
// secret values out of every text and structure that is shown or stored.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSecretsFile, Redactor, resolveSecrets } from '../../src/plan/secrets.js';
import { RollgateError } from '../../src/shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rollgate-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretsFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('parseSecretsFile', () => {
  it('reads KEY=VALUE lines, skipping blanks and comments, trimming, unquoting', () => {
    const file = secretsFile(
      'ok.env',
      [
        '# production secrets',
        '',
        'DB_PASSWORD=s3cr3t',
        '  SLACK_URL = https://hooks.example/a?b=c  ',
        'QUOTED="two words"',
        "SINGLE='it''s'",
        'KEEP_INNER="a"b"',
        'EMPTY=',
        'EMPTY_QUOTED=""',
        'HASH=abc#def',
        '   # indented comment',
        'WINDOWS=crlf\r',
      ].join('\n'),
    );
    expect(parseSecretsFile(file)).toEqual({
      DB_PASSWORD: 's3cr3t',
      SLACK_URL: 'https://hooks.example/a?b=c',
      QUOTED: 'two words',
      SINGLE: "it''s",
      KEEP_INNER: 'a"b',
      EMPTY: '',
      EMPTY_QUOTED: '',
      HASH: 'abc#def',
      WINDOWS: 'crlf',
    });
  });

  it('a mismatched quote is kept as written', () => {
    expect(parseSecretsFile(secretsFile('q.env', 'A="open\nB=\'x"\n'))).toEqual({ A: '"open', B: '\'x"' });
  });

  it('a bad line is an INVALID_INPUT error naming file:line', () => {
    const file = secretsFile('bad.env', 'A=1\n\n# c\nNOT A PAIR\nB=2\n');
    expect(() => parseSecretsFile(file)).toThrow(RollgateError);
    expect(() => parseSecretsFile(file)).toThrow(`${file}:4:1: expected KEY=VALUE`);
    const noKey = secretsFile('nokey.env', '=value\n');
    expect(() => parseSecretsFile(noKey)).toThrow(`${noKey}:1:1: expected KEY=VALUE`);
  });

  it('the error never contains a secret value from the file', () => {
    const file = secretsFile('leak.env', 'TOKEN=abc123\noops\n');
    try {
      parseSecretsFile(file);
      expect.fail('expected an error');
    } catch (e) {
      expect((e as Error).message).not.toContain('abc123');
      expect((e as RollgateError).exitCode).toBe(2);
    }
  });

  it('a missing file is INVALID_INPUT naming the path', () => {
    const file = join(dir, 'missing.env');
    expect(() => parseSecretsFile(file)).toThrow(`cannot read secrets file ${file}`);
  });
});

describe('resolveSecrets', () => {
  it('the file wins over the environment; missing names are left out', () => {
    expect(
      resolveSecrets(['A', 'B', 'C'], { A: 'from-env', B: 'env-b', C: undefined }, { A: 'from-file' }),
    ).toEqual({ A: 'from-file', B: 'env-b' });
  });

  it('an empty value in the file is still a value', () => {
    expect(resolveSecrets(['A'], { A: 'env' }, { A: '' })).toEqual({ A: '' });
  });
});

describe('Redactor', () => {
  it('replaces every occurrence of every secret in text', () => {
    const r = new Redactor(['s3cr3t', 'tok']);
    expect(r.text('pw=s3cr3t again s3cr3t; tok tok')).toBe('pw=*** again ***; *** ***');
    expect(r.text('nothing here')).toBe('nothing here');
    expect(r.empty).toBe(false);
  });

  it('longest first: a secret containing another is hidden whole', () => {
    const r = new Redactor(['abc', 'abcdef']);
    expect(r.text('x abcdef y abc z')).toBe('x *** y *** z');
  });

  it('overlapping secrets leave no fragment of either', () => {
    const r = new Redactor(['abcdef', 'defgh']);
    expect(r.text('xabcdefghy')).toBe('x***y');
    expect(r.text('defgh abcdef')).toBe('*** ***');
    const repeated = new Redactor(['aa']);
    expect(repeated.text('aaa b aaaa')).toBe('*** b ***');
  });

  it('redacts nested structures deeply, keys included, without mutating the input', () => {
    const r = new Redactor(['hunter2']);
    const input = {
      url: 'postgres://u:hunter2@db/x',
      list: ['a', { deep: ['hunter2!'] }],
      n: 42,
      flag: false,
      none: null,
      hunter2: 'key is a secret',
    };
    const out = r.value(input);
    expect(out).toEqual({
      url: 'postgres://u:***@db/x',
      list: ['a', { deep: ['***!'] }],
      n: 42,
      flag: false,
      none: null,
      '***': 'key is a secret',
    });
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(input.url).toContain('hunter2');
  });

  it('empty values are ignored; no secrets is a no-op', () => {
    const r = new Redactor(['', '']);
    expect(r.empty).toBe(true);
    const v = { a: 'x' };
    expect(r.value(v)).toBe(v);
    expect(r.text('abc')).toBe('abc');
  });

  it('secrets with regex characters are matched literally', () => {
    const r = new Redactor(['a.b*c', '$(x)']);
    expect(r.text('a.b*c axb*c $(x) $x')).toBe('*** axb*c *** $x');
  });

  it('random text never keeps a secret after redaction', () => {
    const secrets = ['ab', 'bca', 'cab', 'aaa'];
    const r = new Redactor(secrets);
    let seed = 7;
    for (let n = 0; n < 500; n++) {
      let s = '';
      for (let i = 0; i < 40; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        s += 'abc*'[seed % 4];
      }
      const out = r.text(s);
      for (const secret of secrets) expect(out.replaceAll('***', '|')).not.toContain(secret);
    }
  });
});
