// Turns zod issues into messages a person can act on: which field, what was expected, what was found,
// and "did you mean" for unknown keys. Steps (one kind key + options) are dispatched by hand so the
// error speaks of the kind that was written rather than of every union branch.

import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { stepCommonKeys } from './schema/step.js';
import { formatPath, type PathSegment } from './yaml-positions.js';

export interface PlanIssue {
  path: PathSegment[];
  /** When set, the problem is the key itself (unknown key). */
  key?: string;
  message: string;
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

function def(schema: AnySchema): z.core.$ZodTypeDef & Record<string, unknown> {
  return schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
}

/** Peels optional/default/pipe/… wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    if (
      ['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'].includes(d.type)
    ) {
      s = d.innerType as AnySchema;
    } else if (d.type === 'pipe') s = d.in as AnySchema;
    else return s;
  }
  return s;
}

/** The schema found at `path` (following objects, arrays, records), or undefined. */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    let u = unwrap(s);
    let d = def(u);
    if (d.type === 'union') {
      // A step or a string-or-object field: follow the branch that has this key.
      const branch = (d.options as AnySchema[]).map(unwrap).find((o) => {
        const od = def(o);
        return od.type === 'object' && String(seg) in (od.shape as Record<string, unknown>);
      });
      if (!branch) return undefined;
      u = branch;
      d = def(u);
    }
    if (d.type === 'object') s = (d.shape as Record<string, AnySchema>)[String(seg)];
    else if (d.type === 'array') s = d.element as AnySchema;
    else if (d.type === 'record') s = d.valueType as AnySchema;
    else return undefined;
  }
  return s ? unwrap(s) : undefined;
}

export function objectKeysAt(root: AnySchema, path: readonly PathSegment[]): string[] {
  let s = schemaAt(root, path);
  if (s && def(s).type === 'union') {
    // A string-or-mapping field: the keys are those of its mapping form.
    const objects = (def(s).options as AnySchema[]).map(unwrap).filter((o) => def(o).type === 'object');
    s = objects.length === 1 ? objects[0] : undefined;
  }
  if (!s || def(s).type !== 'object') return [];
  return Object.keys(def(s).shape as Record<string, unknown>);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function expectedLabel(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

export interface IssueContext {
  /** Schema the issue paths are relative to (for "did you mean"). */
  schema: AnySchema;
  /** The parsed document. */
  data: unknown;
  /** Step variants by kind, for dispatching union failures on steps. */
  stepVariants: Record<string, z.ZodObject>;
}

function isStepPath(path: readonly PathSegment[]): boolean {
  const n = path.length;
  return (
    (n === 4 && path[0] === 'phases' && path[2] === 'steps') ||
    (n === 3 && path[0] === 'rollback' && path[1] === 'hooks')
  );
}

/** Validates one raw step by its kind key and returns its issues (paths absolute). */
export function stepIssues(path: PathSegment[], raw: unknown, ctx: IssueContext): PlanIssue[] {
  const kinds = Object.keys(ctx.stepVariants);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [
      {
        path,
        message: `${formatPath(path)}: expected a step (a mapping with one of: ${kinds.join(', ')}), got ${typeOf(raw)}`,
      },
    ];
  }
  const keys = Object.keys(raw);
  const present = keys.filter((k) => kinds.includes(k));
  if (present.length === 0) {
    const unknown = keys.filter((k) => !stepCommonKeys.includes(k));
    if (unknown.length === 0) {
      return [{ path, message: `${formatPath(path)}: a step needs one kind key: ${kinds.join(', ')}` }];
    }
    return unknown.map((k) => ({
      path,
      key: k,
      message: `${formatPath(path)}: unknown step kind "${k}"${didYouMean(k, [...kinds, ...stepCommonKeys])}; expected one of: ${kinds.join(', ')}`,
    }));
  }
  if (present.length > 1) {
    return [
      {
        path,
        key: present[1],
        message: `${formatPath(path)}: a step has exactly one kind, found ${present.join(' and ')}; split it into separate steps`,
      },
    ];
  }
  const variant = ctx.stepVariants[present[0] as string] as z.ZodObject;
  const r = variant.safeParse(raw, { reportInput: true });
  if (r.success) return [];
  // The variant's issue paths are relative to the step; make them absolute so messages name the
  // whole field (phases[0].steps[1].timeout, not just timeout). The root schema follows step unions
  // by kind key, so "did you mean" still finds the kind's keys.
  return r.error.issues.flatMap((i) => describeIssue({ ...i, path: [...path, ...i.path] } as Issue, ctx));
}

/** Schema type that accepts a value like `v` (for picking the union branch the author meant). */
function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function branchLabel(schema: AnySchema): string {
  const t = def(schema).type;
  return t === 'literal' || t === 'enum' ? t : expectedLabel(t);
}

/**
 * A string-or-mapping field (run, http, claims[i]…) that failed: explain with the branch of the
 * type that was written (its own issues), or list the accepted types.
 */
function unionIssues(issue: Issue & { code: 'invalid_union' }, ctx: IssueContext): PlanIssue[] {
  const path = issue.path as PathSegment[];
  const input = valueAt(ctx.data, path);
  const union = schemaAt(ctx.schema, path);
  const options = union && def(union).type === 'union' ? (def(union).options as AnySchema[]).map(unwrap) : [];
  const want = jsonTypeOf(input);
  const matching = options.flatMap((o, i) => (def(o).type === want ? [i] : []));
  const branchErrors = matching.length === 1 ? issue.errors[matching[0] as number] : undefined;
  if (branchErrors && branchErrors.length > 0) {
    return branchErrors.flatMap((i) => describeIssue({ ...i, path: [...path, ...i.path] } as Issue, ctx));
  }
  const accepted = [...new Set(options.map(branchLabel))];
  return [
    {
      path,
      message: `${formatPath(path)}: ${typeOf(input)} is not allowed here${accepted.length ? ` (expected ${accepted.join(' or ')})` : ''}`,
    },
  ];
}

/** One zod issue → one or more plan issues (unknown keys give one each). */
export function describeIssue(issue: Issue, ctx: IssueContext): PlanIssue[] {
  const path = issue.path as PathSegment[];
  const field = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeysAt(ctx.schema, path);
      return issue.keys.map((k) => ({
        path,
        key: k,
        message: `${path.length ? `${field}: ` : ''}unknown key "${k}"${didYouMean(k, known)}${known.length ? `; expected one of: ${known.join(', ')}` : ''}`,
      }));
    }
    case 'invalid_type': {
      const input = valueAt(ctx.data, path);
      const parentExists = path.length === 0 || valueAt(ctx.data, path.slice(0, -1)) !== undefined;
      if (input === undefined && parentExists) {
        return [
          { path, message: `missing required field "${field}" (expected ${expectedLabel(issue.expected)})` },
        ];
      }
      return [{ path, message: `${field}: expected ${expectedLabel(issue.expected)}, got ${typeOf(input)}` }];
    }
    case 'invalid_union': {
      if (isStepPath(path)) return stepIssues(path, valueAt(ctx.data, path), ctx);
      return unionIssues(issue, ctx);
    }
    case 'invalid_value':
      return [
        {
          path,
          message: `${field}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${typeOf(valueAt(ctx.data, path))}`,
        },
      ];
    case 'too_small': {
      const what =
        issue.origin === 'array'
          ? `at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`
          : `at least ${issue.minimum}`;
      return [{ path, message: `${field}: expected ${what}` }];
    }
    case 'too_big':
      return [{ path, message: `${field}: expected at most ${issue.maximum}` }];
    case 'invalid_key':
      return [{ path, message: `${field}: invalid name: ${issue.issues.map((i) => i.message).join('; ')}` }];
    default:
      return [{ path, message: `${field}: ${issue.message}` }];
  }
}
