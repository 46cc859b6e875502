import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { PermanentError } from '../lib/errors.js';

/**
 * A small glob expander for source paths (Node 20 has no fs.glob). Supported, per path segment:
 * `*` (any run of characters but `/`), `?` (one character), `[abc]`, `[a-z]`, `[!abc]`, `{a,b}`
 * alternatives (also nested), and a whole segment `**` (zero or more directories). As in a shell,
 * `*`, `?` and `**` do not match names starting with `.` unless the pattern segment starts with
 * `.` itself. Symbolic links are followed. Only regular files are returned, sorted, without
 * duplicates, so a run reads its sources in the same order every time.
 *
 * Written here rather than pulled in as a package: the needs are small, and a collector that
 * decides which evidence is read should have no behaviour we have not tested.
 */

export interface GlobResult {
  files: string[];
  /** Patterns whose fixed leading directory does not exist (a typo or an unmounted volume). */
  missingDirs: string[];
}

const MAGIC = /[*?[{]/;

export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Expands absolute patterns to the regular files they match. */
export async function expandGlobs(patterns: string[]): Promise<GlobResult> {
  const files = new Set<string>();
  const missingDirs = new Set<string>();
  for (const pattern of patterns) {
    if (!isAbsolute(pattern)) throw new Error(`glob pattern "${pattern}" must be absolute (config paths are resolved before use)`);
    for (const one of expandBraces(pattern)) {
      const { base, rest } = splitBase(one);
      if (!(await isDir(base))) {
        if (rest.length) missingDirs.add(base);
        else if (await isFile(base)) files.add(base);
        continue;
      }
      if (!rest.length) continue; // the pattern names a directory, not files
      for (const f of await walk(base, rest.map(segmentMatcher), new Set())) files.add(f);
    }
  }
  return { files: [...files].sort(), missingDirs: [...missingDirs].sort() };
}

/** The leading segments without glob characters (a directory to start from) and the rest. */
function splitBase(pattern: string): { base: string; rest: string[] } {
  const parts = pattern.split(sep);
  const firstMagic = parts.findIndex((p) => hasMagic(p));
  if (firstMagic < 0) return { base: pattern, rest: [] };
  return { base: parts.slice(0, firstMagic).join(sep) || sep, rest: parts.slice(firstMagic) };
}

type Matcher = { globstar: true } | { globstar: false; re: RegExp; literal?: string };

function segmentMatcher(segment: string): Matcher {
  if (segment === '**') return { globstar: true };
  if (!hasMagic(segment)) return { globstar: false, re: new RegExp(`^${escapeRe(segment)}$`), literal: segment };
  const allowDot = segment.startsWith('.');
  const re = compileSegment(segment, allowDot);
  if (typeof re === 'string') throw new PermanentError(`${re}; fix sources.safetyLogs.files`);
  return { globstar: false, re };
}

function compileSegment(segment: string, allowDot: boolean): RegExp | string {
  try {
    return new RegExp(`^${allowDot ? '' : '(?!\\.)'}${segmentToRe(segment)}$`, 'u');
  } catch (err) {
    // The engine's message quotes the generated expression; only its reason is of use here.
    const reason = (err instanceof Error ? err.message : String(err)).split(': ').at(-1)!.toLowerCase();
    return `the glob segment "${segment}" is not valid (${reason}); a character class is [abc], [a-z] (low to high) or [!abc]`;
  }
}

/**
 * Why a pattern cannot be expanded, or undefined: the same compilation the expansion does, so
 * `dossier validate` reports what would otherwise fail at 2 a.m.
 */
export function globProblem(pattern: string): string | undefined {
  for (const one of expandBraces(pattern)) {
    for (const segment of one.split('/')) {
      if (segment === '**' || !hasMagic(segment)) continue;
      const re = compileSegment(segment, segment.startsWith('.'));
      if (typeof re === 'string') return re;
    }
  }
  return undefined;
}

/** One path segment (braces already expanded) as a regular-expression body. */
export function segmentToRe(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else {
      out += escapeRe(c);
    }
  }
  return out;
}

/** `a/{b,c}/*.{jsonl,csv}` → four patterns; nested braces expand inside out; `{x}` alone stays literal. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        if (!commas.length) {
          // No alternatives: a literal brace pair; keep expanding after it.
          return expandBraces(pattern.slice(i + 1)).map((tail) => pattern.slice(0, i + 1) + tail);
        }
        const head = pattern.slice(0, open);
        const tails = expandBraces(pattern.slice(i + 1));
        const bounds = [open, ...commas, i];
        const alternatives = bounds.slice(0, -1).map((b, k) => pattern.slice(b + 1, bounds[k + 1]));
        return alternatives.flatMap((alt) => expandBraces(alt).flatMap((a) => tails.map((t) => head + a + t)));
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern]; // unbalanced: literal
}

/** `seen` holds the real directories each `**` has entered, so a symbolic-link loop cannot recurse forever. */
async function walk(dir: string, matchers: Matcher[], seen: Set<string>): Promise<string[]> {
  const [first, ...rest] = matchers;
  if (!first) return (await isFile(dir)) ? [dir] : [];
  if (first.globstar) {
    // Keyed with the remaining pattern length: a second `**` may visit the same directory.
    const key = `${matchers.length}:${await realpath(dir).catch(() => dir)}`;
    if (seen.has(key)) return [];
    seen.add(key);
    // `**` matches zero directories (try the rest here) or one more (descend, keep `**`).
    const here = await walk(dir, rest, seen);
    const deeper: string[] = [];
    for (const name of await subdirs(dir)) deeper.push(...(await walk(join(dir, name), matchers, seen)));
    return [...here, ...deeper];
  }
  if (first.literal !== undefined) {
    const next = join(dir, first.literal);
    if (rest.length) return (await isDir(next)) ? walk(next, rest, seen) : [];
    return (await isFile(next)) ? [next] : [];
  }
  const out: string[] = [];
  for (const name of await listNames(dir)) {
    if (!first.re.test(name)) continue;
    const next = join(dir, name);
    if (rest.length) {
      if (await isDir(next)) out.push(...(await walk(next, rest, seen)));
    } else if (await isFile(next)) out.push(next);
  }
  return out;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return []; // unreadable directory: nothing matches there
  }
}

async function subdirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await listNames(dir)) {
    if (name.startsWith('.')) continue;
    if (await isDir(join(dir, name))) out.push(name);
  }
  return out;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
