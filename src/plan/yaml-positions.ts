// Maps a path in the parsed plan (["phases", 1, "steps", 0, "run"]) back to a line and column in the
// YAML text, so every problem can be reported as FILE:LINE:COL.

import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from './types.js';

export type PathSegment = string | number;

export class YamlPositions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private at(offset: number | undefined): SourcePosition {
    if (offset === undefined) return { line: 1, col: 1 };
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /**
   * Position of the node at `path`; when the path goes further than the document (a missing field),
   * the deepest existing node. With `key`, the position of that key inside the map at `path`.
   */
  of(path: readonly PathSegment[], key?: string): SourcePosition {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    const segments = key === undefined ? path : [...path, key];
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as PathSegment;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(seg),
        );
        if (pair) {
          keyNode = pair.key as Node;
          next = pair.value ?? pair.key;
          if (key !== undefined && i === segments.length - 1) return this.at(keyNode.range?.[0]);
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (next === undefined || next === null) break;
      node = next;
    }
    const range = (node as Node | null)?.range;
    return this.at(range?.[0]);
  }

  /** Position of a character offset inside the string scalar at `path` (for ${{ }} errors). */
  ofStringOffset(path: readonly PathSegment[], offset: number): SourcePosition {
    const base = this.of(path);
    const node = this.doc.getIn(path as PathSegment[], true);
    // Offsets map directly only when the source is the value verbatim: one line, no escapes (its
    // length in the source is the value's length plus the quotes). Otherwise point at the scalar.
    if (
      isScalar(node) &&
      node.range &&
      (node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')
    ) {
      const quote = node.type === 'PLAIN' ? 0 : 1;
      const text = String(node.value);
      const [start, end] = node.range;
      const oneLine = this.lines.linePos(start).line === this.lines.linePos(end).line;
      if (oneLine && end - start === text.length + 2 * quote)
        return { line: base.line, col: base.col + quote + offset };
    }
    return base;
  }
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out || '(top level)';
}
