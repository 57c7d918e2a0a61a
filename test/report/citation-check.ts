// Finds figures without citations. JSON: every number must be the `value` of an object that also
// has a non-empty `eventIds` (numbers inside `eventIds` and evidence entry ids are the citations
// themselves). Markdown: every word that starts with a digit must end in a footnote marker `[^n]`;
// code spans (text quoted from events: versions, names, reasons) and footnote definitions are not
// figures.

export function uncitedJsonNumbers(v: unknown, path = '$'): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => uncitedJsonNumbers(x, `${path}[${i}]`));
  if (typeof v !== 'object' || v === null) return typeof v === 'number' ? [path] : [];
  const o = v as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, x] of Object.entries(o)) {
    const p = `${path}.${k}`;
    if (k === 'eventIds') continue;
    if (k === 'schemaVersion' && path === '$') continue;
    if (k === 'id' && /\.evidence\[\d+\]$/.test(path)) continue;
    if (k === 'value' && typeof x === 'number') {
      const ids = o.eventIds;
      if (!Array.isArray(ids) || ids.length === 0) out.push(p);
      continue;
    }
    out.push(...uncitedJsonNumbers(x, p));
  }
  return out;
}

export function uncitedMarkdownFigures(md: string): string[] {
  const out: string[] = [];
  for (const [i, raw] of md.split('\n').entries()) {
    if (/^\[\^\d+\]:/.test(raw)) continue;
    const line = raw.replace(/`[^`]*`/g, ' ');
    for (const token of line.split(/[\s|,;()]+/)) {
      const t = token.replace(/^[*_]+|[*_.:]+$/g, '');
      if (!/^[-+<>=]*\d/.test(t)) continue;
      if (!/(\[\^\d+\])+$/.test(t)) out.push(`line ${i + 1}: ${t}`);
    }
  }
  return out;
}
