// ${{ }} expressions: finding them (with syntax errors), resolving every namespace, listing
// undefined references, and hiding secrets in displays.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the subject is ${{ }} text

import { describe, expect, it } from 'vitest';
import {
  collectReferences,
  findExpressions,
  type InterpolationContext,
  interpolate,
  parseReference,
  referenceLabel,
} from '../../src/plan/interpolate.js';

const ctx: InterpolationContext = {
  env: { HOME: '/home/ci', EMPTY: '', UNSET: undefined },
  secrets: { DB_PASSWORD: 's3cr3t', SLACK_URL: 'https://hooks.example/T0/B0/xyz' },
  vars: { REGION: 'eu-west-1' },
  version: '1.4.2',
  environment: 'production',
  app: 'shop',
};

describe('parseReference', () => {
  it('accepts the documented forms, with surrounding spaces', () => {
    expect(parseReference(' env.DATABASE_URL ')).toEqual({ namespace: 'env', name: 'DATABASE_URL' });
    expect(parseReference('secrets.slack-url')).toEqual({ namespace: 'secrets', name: 'slack-url' });
    expect(parseReference('vars._x1')).toEqual({ namespace: 'vars', name: '_x1' });
    expect(parseReference('version')).toEqual({ namespace: 'version' });
    expect(parseReference('environment')).toEqual({ namespace: 'environment' });
    expect(parseReference('app')).toEqual({ namespace: 'app' });
  });

  it('rejects anything else', () => {
    for (const bad of [
      '',
      'env',
      'env.',
      'env.1X',
      'nope.x',
      'env.A.B',
      'env.A || "x"',
      'version()',
      'ENV.X',
    ]) {
      expect(parseReference(bad), bad).toBeUndefined();
    }
  });

  it('labels', () => {
    expect(referenceLabel({ namespace: 'vars', name: 'REGION' })).toBe('vars.REGION');
    expect(referenceLabel({ namespace: 'version' })).toBe('version');
  });
});

describe('findExpressions', () => {
  it('finds each expression with its offset', () => {
    const found = findExpressions('psql ${{ env.DB }} -c "${{version}}"');
    expect(found).toEqual([
      { offset: 5, text: '${{ env.DB }}', reference: { namespace: 'env', name: 'DB' } },
      { offset: 23, text: '${{version}}', reference: { namespace: 'version' } },
    ]);
  });

  it('an invalid expression carries an error with the hint', () => {
    const [e] = findExpressions('x ${{ secret.X }}');
    expect(e?.offset).toBe(2);
    expect(e?.error).toBe(
      'invalid expression ${{ secret.X }}: expected ${{ env.NAME }}, ${{ secrets.NAME }}, ${{ vars.NAME }}, ${{ version }}, ${{ environment }} or ${{ app }}',
    );
  });

  it('an unclosed "${{" after valid ones is flagged at its offset', () => {
    const found = findExpressions('${{ app }} and ${{ env.X');
    expect(found).toHaveLength(2);
    expect(found[1]).toEqual({ offset: 15, text: '${{ env.X', error: 'unclosed ${{ (expected }})' });
  });

  it('plain text and a lone "${" are not expressions', () => {
    expect(findExpressions('echo ${HOME} $ {{x}}')).toEqual([]);
  });
});

describe('interpolate', () => {
  it('resolves env, secrets, vars, version, environment and app', () => {
    const r = interpolate(
      '${{ app }}@${{ version }} to ${{ environment }} in ${{ vars.REGION }} as ${{ env.HOME }} with ${{ secrets.DB_PASSWORD }}',
      ctx,
      { redactSecrets: false },
    );
    expect(r).toEqual({
      value: 'shop@1.4.2 to production in eu-west-1 as /home/ci with s3cr3t',
      undefinedReferences: [],
    });
  });

  it('an empty environment variable is defined (empty), an unset one is not', () => {
    const r = interpolate('[${{ env.EMPTY }}][${{ env.UNSET }}]', ctx, { redactSecrets: false });
    expect(r.value).toBe('[][${{ env.UNSET }}]');
    expect(r.undefinedReferences).toEqual(['env.UNSET']);
  });

  it('lists every undefined reference once and leaves them in place', () => {
    const r = interpolate(
      { a: '${{ vars.ZONE }}', b: ['${{ secrets.API_KEY }}', '${{ vars.ZONE }}'], c: '${{ nope.x }}' },
      { env: {}, secrets: {}, vars: {} },
      { redactSecrets: true },
    );
    expect(r.undefinedReferences.sort()).toEqual(['${{ nope.x }}', 'secrets.API_KEY', 'vars.ZONE']);
    expect(r.value).toEqual({
      a: '${{ vars.ZONE }}',
      b: ['${{ secrets.API_KEY }}', '${{ vars.ZONE }}'],
      c: '${{ nope.x }}',
    });
  });

  it('version, environment and app are undefined outside a run', () => {
    const r = interpolate(
      '${{ version }} ${{ environment }} ${{ app }}',
      { env: {}, secrets: {}, vars: {} },
      {
        redactSecrets: false,
      },
    );
    expect(r.undefinedReferences).toEqual(['version', 'environment', 'app']);
  });

  it('redactSecrets prints secrets as *** and keeps everything else', () => {
    const params = {
      webhook: '${{ secrets.SLACK_URL }}',
      command: 'PGPASSWORD=${{ secrets.DB_PASSWORD }} psql -h ${{ vars.REGION }}.db',
    };
    const shown = interpolate(params, ctx, { redactSecrets: true });
    expect(shown.value).toEqual({ webhook: '***', command: 'PGPASSWORD=*** psql -h eu-west-1.db' });
    expect(JSON.stringify(shown)).not.toContain('s3cr3t');
    const real = interpolate(params, ctx, { redactSecrets: false });
    expect(real.value.command).toBe('PGPASSWORD=s3cr3t psql -h eu-west-1.db');
  });

  it('walks nested structures, leaves non-strings alone, does not mutate the input', () => {
    const input = { n: 3, ok: true, none: null, list: [{ deep: '${{ app }}' }, 7] };
    const r = interpolate(input, ctx, { redactSecrets: false });
    expect(r.value).toEqual({ n: 3, ok: true, none: null, list: [{ deep: 'shop' }, 7] });
    expect(input.list[0]).toEqual({ deep: '${{ app }}' });
  });

  it('a value containing "${{" is not expanded again', () => {
    const r = interpolate(
      '${{ vars.X }}',
      { env: {}, secrets: {}, vars: { X: '${{ vars.Y }}', Y: 'no' } },
      {
        redactSecrets: false,
      },
    );
    expect(r.value).toBe('${{ vars.Y }}');
  });
});

describe('collectReferences', () => {
  it('every valid reference anywhere in a value', () => {
    const refs = collectReferences({
      a: ['${{ secrets.A }} ${{ bad }}'],
      b: { c: '${{ env.B }}${{ version }}' },
      d: 1,
    });
    expect(refs.map(referenceLabel)).toEqual(['secrets.A', 'env.B', 'version']);
  });
});
