// The evidence model: every figure in a report is a Cited value, the number (or text) together with
// the ids of the events it was computed from. Helpers here read event data defensively, because
// events written by other parts of Rollgate may lack fields or carry them with unexpected types.

import type { EventRecord } from '../store/store.js';

export interface Cited<T> {
  value: T;
  /** Ids of the events this value was computed from; never empty for a figure shown as fact. */
  eventIds: number[];
}

export function cite<T>(value: T, ...sources: Array<EventRecord | number | readonly number[]>): Cited<T> {
  const ids = new Set<number>();
  for (const s of sources) {
    if (typeof s === 'number') ids.add(s);
    else if (Array.isArray(s)) for (const id of s) ids.add(id);
    else ids.add((s as EventRecord).id);
  }
  return { value, eventIds: [...ids].sort((a, b) => a - b) };
}

export function idsOf(events: readonly EventRecord[]): number[] {
  return events.map((e) => e.id);
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Time of an event's fact: its own `at` field (agent time) when present, else the event time. */
export function factTime(e: EventRecord): number {
  const at = e.data.at;
  if (typeof at === 'string') {
    const t = Date.parse(at);
    if (Number.isFinite(t)) return t;
  }
  if (typeof at === 'number' && Number.isFinite(at)) return at;
  return e.time;
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}
