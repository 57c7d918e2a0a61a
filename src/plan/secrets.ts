// Secrets: read from the environment variable of the same name or a KEY=VALUE file, and a redactor
// that replaces every secret value with *** in any text or structure before it is shown or stored.

import { readFileSync } from 'node:fs';
import { RollgateError } from '../shared/errors.js';

export function parseSecretsFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RollgateError(
      'INVALID_INPUT',
      `cannot read secrets file ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new RollgateError('INVALID_INPUT', `${path}:${i + 1}:1: expected KEY=VALUE`);
    }
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0] as string)) {
      value = value.slice(1, -1);
    }
    out[line.slice(0, eq).trim()] = value;
  });
  return out;
}

/** Resolves the named secrets: the secrets file wins over the environment. Missing names are left out. */
export function resolveSecrets(
  names: Iterable<string>,
  env: Record<string, string | undefined>,
  fromFile: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = fromFile[n] ?? env[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

export class Redactor {
  private readonly values: string[];

  constructor(secretValues: Iterable<string>) {
    // Longest first so a secret containing another is fully replaced; very short values are
    // still redacted (a 1-char secret is a misconfiguration, but leaking it is worse).
    this.values = [...new Set(secretValues)].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  /**
   * Every character covered by an occurrence of any secret (found in the original text, overlaps
   * included) is hidden; each run of hidden characters becomes one ***. Replacing one secret after
   * another would let the tail of a secret that overlaps an already-replaced one leak.
   */
  text(s: string): string {
    let hidden: Uint8Array | undefined;
    for (const v of this.values) {
      for (let at = s.indexOf(v); at >= 0; at = s.indexOf(v, at + 1)) {
        hidden ??= new Uint8Array(s.length);
        hidden.fill(1, at, at + v.length);
      }
    }
    if (!hidden) return s;
    let out = '';
    for (let i = 0; i < s.length; i++) {
      if (hidden[i] === 0) out += s[i];
      else if (i === 0 || hidden[i - 1] === 0) out += '***';
    }
    return out;
  }

  /** Deep copy with every string redacted, keys of mappings included. */
  value<T>(v: T): T {
    if (this.values.length === 0) return v;
    const walk = (x: unknown): unknown => {
      if (typeof x === 'string') return this.text(x);
      if (Array.isArray(x)) return x.map(walk);
      if (x !== null && typeof x === 'object') {
        return Object.fromEntries(Object.entries(x).map(([k, y]) => [this.text(k), walk(y)]));
      }
      return x;
    };
    return walk(v) as T;
  }
}
