// The configuration reference in the README, generated from the JSON Schema (itself generated from
// the zod schema), so the documentation cannot drift from what the loader accepts.

type Json = Record<string, unknown>;

interface Row {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.anyOf)) return [...new Set((s.anyOf as Json[]).map(typeOf))].join(' \\| ');
  if (s.type === 'array') return `list of ${typeOf((s.items as Json) ?? {})}`;
  if (s.type === 'object') {
    if (s.properties) return 'mapping';
    const inner = s.additionalProperties as Json | undefined;
    return inner && typeof inner === 'object' && inner.properties ? 'map of mapping' : 'map of string';
  }
  if (s.pattern === '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$') return 'duration';
  return typeof s.type === 'string' ? s.type : 'any';
}

function walk(s: Json, path: string, required: boolean, rows: Row[], depth: number): void {
  if (depth > 0) {
    rows.push({
      path,
      type: typeOf(s),
      required,
      ...(s.default !== undefined ? { default: s.default } : {}),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
    });
  }
  if (depth > 6) return;
  const props = s.properties as Record<string, Json> | undefined;
  if (props) {
    const req = new Set((s.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(props))
      walk(v, path ? `${path}.${k}` : k, req.has(k), rows, depth + 1);
  }
  if (s.type === 'object' && !props && typeof s.additionalProperties === 'object') {
    const inner = s.additionalProperties as Json;
    if (inner.properties) walk(inner, `${path}.<name>`, false, rows, depth + 1);
  }
  if (s.type === 'array' && typeof s.items === 'object') {
    const items = s.items as Json;
    if (items.properties) walk(items, `${path}[]`, false, rows, depth + 1);
    else if (Array.isArray(items.anyOf)) {
      for (const branch of items.anyOf as Json[])
        if (branch.properties) walkBranch(branch, `${path}[]`, rows, depth + 1);
    }
  }
  if (Array.isArray(s.anyOf)) {
    for (const branch of s.anyOf as Json[]) if (branch.properties) walkBranch(branch, path, rows, depth);
  }
}

/** A union branch (a step kind, or the object form of a string-or-object field). */
function walkBranch(branch: Json, path: string, rows: Row[], depth: number): void {
  const props = branch.properties as Record<string, Json>;
  const req = new Set((branch.required as string[] | undefined) ?? []);
  for (const [k, v] of Object.entries(props)) {
    const p = `${path}.${k}`;
    if (rows.some((r) => r.path === p)) continue;
    walk(v, p, req.has(k), rows, depth + 1);
  }
}

export function renderConfigReference(schema: Json): string {
  const rows: Row[] = [];
  walk(schema, '', true, rows, 0);
  const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| field | type | required | default | description |', '|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(
      `| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.default !== undefined ? `\`${esc(JSON.stringify(r.default))}\`` : ''} | ${esc(r.description ?? '')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
