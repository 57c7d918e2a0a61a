// Markdown footnotes for citations: one footnote per distinct set of event ids, numbered in the
// order they first appear, each listing the cited events by id, kind and time.

import type { Cited } from './evidence.js';
import type { EvidenceEntry } from './report-model.js';

export class Footnotes {
  private readonly byKey = new Map<string, number>();
  private readonly sets: number[][] = [];

  /** The `[^n]` marker for these ids; empty when there is nothing to cite. */
  ref(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    const key = ids.join(',');
    let n = this.byKey.get(key);
    if (n === undefined) {
      this.sets.push([...ids]);
      n = this.sets.length;
      this.byKey.set(key, n);
    }
    return `[^${n}]`;
  }

  /** A figure followed by its citation, e.g. `180ms[^3]`. */
  cite<T>(c: Cited<T>, show: (v: T) => string = String): string {
    return `${show(c.value)}${this.ref(c.eventIds)}`;
  }

  definitions(evidence: readonly EvidenceEntry[]): string[] {
    const byId = new Map(evidence.map((e) => [e.id, e]));
    return this.sets.map((ids, i) => {
      const parts = ids.map((id) => {
        const e = byId.get(id);
        return e
          ? `event #${id} ${e.kind} at ${e.time}${e.stepKey ? ` (step ${e.stepKey})` : ''}`
          : `event #${id}`;
      });
      return `[^${i + 1}]: ${parts.join('; ')}`;
    });
  }
}
