// ${{ … }} expressions in plan strings: env.X, secrets.X, vars.X, version, environment, app.
// Parsing is used by the loader (syntax errors at load time); resolution happens per run.

export interface InterpolationContext {
  env: Record<string, string | undefined>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  version?: string;
  environment?: string;
  app?: string;
}

export type Reference =
  | { namespace: 'env' | 'secrets' | 'vars'; name: string }
  | { namespace: 'version' | 'environment' | 'app'; name?: undefined };

const expressionPattern = /\$\{\{(.*?)\}\}/g;
const referencePattern = /^(env|secrets|vars)\.([A-Za-z_][A-Za-z0-9_-]*)$|^(version|environment|app)$/;

export const interpolationHint =
  'expected ${{ env.NAME }}, ${{ secrets.NAME }}, ${{ vars.NAME }}, ${{ version }}, ${{ environment }} or ${{ app }}';

export interface FoundExpression {
  /** Offset of "${{" within the string. */
  offset: number;
  text: string;
  reference?: Reference;
  error?: string;
}

export function parseReference(expr: string): Reference | undefined {
  const m = referencePattern.exec(expr.trim());
  if (!m) return undefined;
  if (m[1]) return { namespace: m[1] as 'env' | 'secrets' | 'vars', name: m[2] as string };
  return { namespace: m[3] as 'version' | 'environment' | 'app' };
}

/** Every ${{ }} in a string, each parsed or with an error; also flags an unclosed "${{". */
export function findExpressions(text: string): FoundExpression[] {
  const found: FoundExpression[] = [];
  let lastEnd = 0;
  for (const m of text.matchAll(expressionPattern)) {
    const inner = m[1] as string;
    const reference = parseReference(inner);
    found.push(
      reference
        ? { offset: m.index, text: m[0], reference }
        : { offset: m.index, text: m[0], error: `invalid expression ${m[0]}: ${interpolationHint}` },
    );
    lastEnd = m.index + m[0].length;
  }
  const unclosed = text.indexOf('${{', lastEnd);
  if (unclosed >= 0)
    found.push({ offset: unclosed, text: text.slice(unclosed), error: 'unclosed ${{ (expected }})' });
  return found;
}

export function referenceLabel(r: Reference): string {
  return r.name === undefined ? r.namespace : `${r.namespace}.${r.name}`;
}

function lookup(r: Reference, ctx: InterpolationContext): string | undefined {
  switch (r.namespace) {
    case 'env':
      return ctx.env[r.name];
    case 'secrets':
      return ctx.secrets[r.name];
    case 'vars':
      return ctx.vars[r.name];
    default:
      return ctx[r.namespace];
  }
}

export interface InterpolationResult<T> {
  value: T;
  /** Labels of references that had no value, e.g. "vars.REGION". */
  undefinedReferences: string[];
}

/**
 * Replaces expressions in every string of a value (deeply). With `redactSecrets`, secrets print as ***
 * (for dry runs and displays); otherwise their real value is used (for execution only).
 */
export function interpolate<T>(
  value: T,
  ctx: InterpolationContext,
  options: { redactSecrets: boolean },
): InterpolationResult<T> {
  const missing = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${{')) return v;
      return v.replace(expressionPattern, (whole, inner: string) => {
        const r = parseReference(inner);
        if (!r) {
          missing.add(whole);
          return whole;
        }
        const found = lookup(r, ctx);
        if (found === undefined) {
          missing.add(referenceLabel(r));
          return whole;
        }
        return r.namespace === 'secrets' && options.redactSecrets ? '***' : found;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return { value: walk(value) as T, undefinedReferences: [...missing] };
}

/** All references used anywhere in a value. */
export function collectReferences(value: unknown): Reference[] {
  const out: Reference[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const e of findExpressions(v)) if (e.reference) out.push(e.reference);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}
