import { z } from 'zod';
import type { ConfigPath, ConfigProblem } from './source.js';

/**
 * Turns zod issues into problems that say what is wrong and what is allowed. Zod knows what it
 * expected; for unknown keys we add the keys that are allowed at that place and the closest one,
 * because a typo is the usual cause.
 */
export function problemsFromZod(error: z.ZodError, schema: z.ZodType, raw: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of flatten(error.issues)) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, path, raw);
      for (const key of issue.keys) {
        const hint = allowed.length ? `; allowed keys here: ${allowed.join(', ')}` : '';
        const near = closest(key, allowed);
        out.push({
          path: [...path, key],
          message: `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}${hint}`,
        });
      }
      continue;
    }
    out.push({ path, message: describeIssue(issue, valueAt(raw, path)) });
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** A union that failed in every branch: report the branch that got furthest, not "invalid input". */
function flatten(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]!;
      if (best.length > 0 && !(best.length === 1 && best[0]!.code === 'invalid_type' && best[0]!.path.length === 0)) {
        out.push(...flatten(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue)));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

function score(branch: readonly Issue[]): number {
  // Fewer and deeper issues mean the value was closer to that branch's shape.
  return branch.length * 10 - Math.max(0, ...branch.map((i) => i.path.length));
}

function describeIssue(issue: Issue, value: unknown): string {
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required; expected ${issue.expected}`;
      return `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `${got} is not allowed; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if (issue.discriminator && 'options' in issue && issue.options?.length) {
        return `${got} is not a known ${issue.discriminator}; allowed: ${issue.options.join(', ')}`;
      }
      return `${got} does not match any allowed form`;
    case 'too_small':
      return `${got} is too small; ${issue.message.replace(/^Too small: /, '')}`;
    case 'too_big':
      return `${got} is too big; ${issue.message.replace(/^Too big: /, '')}`;
    case 'invalid_format':
      return `${got} ${issue.message.startsWith('must') ? issue.message : `is not a valid ${issue.format}`}`;
    default:
      return value === undefined ? issue.message : `${got} ${issue.message}`;
  }
}

function valueAt(raw: unknown, path: ConfigPath): unknown {
  let v: unknown = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Keys a strict object accepts at `path`, following arrays, defaults and unions. */
export function allowedKeysAt(schema: z.ZodType, path: ConfigPath, raw: unknown): string[] {
  let s: z.ZodType | undefined = schema;
  let v: unknown = raw;
  for (const seg of path) {
    s = unwrap(s, v);
    if (!s) return [];
    if (s instanceof z.ZodObject) s = s.shape[String(seg)] as z.ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else return [];
    v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  }
  s = unwrap(s, v);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  for (let i = 0; s && i < 10; i++) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDiscriminatedUnion) {
      const type = value && typeof value === 'object' ? (value as Record<string, unknown>).type : undefined;
      s = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject && o.shape.type instanceof z.ZodLiteral && o.shape.type.value === type);
    } else if (s instanceof z.ZodUnion) {
      const objects = (s.options as z.ZodType[]).map((o) => unwrap(o, value)).filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      if (objects.length === 0) return undefined;
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      s = objects.sort((a, b) => overlap(b, keys) - overlap(a, keys))[0];
    } else {
      return s;
    }
  }
  return s;
}

function overlap(o: z.ZodObject, keys: string[]): number {
  return keys.filter((k) => k in o.shape).length;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
