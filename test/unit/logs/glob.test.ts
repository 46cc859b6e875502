import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/lib/errors.js';
import { expandBraces, expandGlobs, globProblem, segmentToRe } from '../../../src/logs/glob.js';

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'glob-'));
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }
  return root;
}

describe('glob', () => {
  it.each([
    ['*.jsonl', 'a.jsonl', true],
    ['*.jsonl', 'a.jsonl.gz', false],
    ['*.jsonl*', 'a.jsonl.gz', true],
    ['2026-?.csv', '2026-1.csv', true],
    ['2026-?.csv', '2026-10.csv', false],
    ['[ab].log', 'b.log', true],
    ['[!ab].log', 'b.log', false],
    ['[a-c].log', 'c.log', true],
    ['a.b', 'axb', false],
    ['x(1)+.log', 'x(1)+.log', true],
  ])('segment %s matches %s: %s', (pattern, name, expected) => {
    expect(new RegExp(`^${segmentToRe(pattern)}$`, 'u').test(name)).toBe(expected);
  });

  it('expands braces, nested, and keeps a brace pair without alternatives literal', () => {
    expect(expandBraces('/l/*.{jsonl,csv}')).toEqual(['/l/*.jsonl', '/l/*.csv']);
    expect(expandBraces('/{a,b{1,2}}/x')).toEqual(['/a/x', '/b1/x', '/b2/x']);
    expect(expandBraces('/l/{x}/y')).toEqual(['/l/{x}/y']);
    expect(expandBraces('/l/{x')).toEqual(['/l/{x']);
  });

  it('finds regular files, sorted, without hidden files, directories or duplicates', async () => {
    const root = tree(['logs/2026-09.jsonl', 'logs/2026-10.jsonl.gz', 'logs/.hidden.jsonl', 'logs/sub/deep.jsonl', 'logs/notes.txt', 'logs/dir.jsonl/inner']);
    const { files, missingDirs } = await expandGlobs([join(root, 'logs/*.jsonl*'), join(root, 'logs/2026-09.jsonl')]);
    expect(files).toEqual([join(root, 'logs/2026-09.jsonl'), join(root, 'logs/2026-10.jsonl.gz')]);
    expect(missingDirs).toEqual([]);
    expect((await expandGlobs([join(root, 'logs/.*.jsonl')])).files).toEqual([join(root, 'logs/.hidden.jsonl')]);
  });

  it('** matches any depth, including none, and survives a symbolic-link loop', async () => {
    const root = tree(['a/x.jsonl', 'a/b/y.jsonl', 'a/b/c/z.jsonl', 'a/b/c/z.csv']);
    symlinkSync(join(root, 'a'), join(root, 'a/b/loop'));
    const { files } = await expandGlobs([join(root, 'a/**/*.jsonl')]);
    expect(files.filter((f) => !f.includes('/loop/'))).toEqual([join(root, 'a/b/c/z.jsonl'), join(root, 'a/b/y.jsonl'), join(root, 'a/x.jsonl')]);
  });

  it('reports a missing fixed directory and matches nothing there', async () => {
    const root = tree([]);
    const result = await expandGlobs([join(root, 'nope/logs/*.jsonl'), join(root, 'missing.jsonl')]);
    expect(result).toEqual({ files: [], missingDirs: [join(root, 'nope/logs')] });
  });

  it('refuses relative patterns (config paths are resolved first)', async () => {
    await expect(expandGlobs(['logs/*.jsonl'])).rejects.toThrow(/must be absolute/);
  });

  it('a pattern that cannot compile is a permanent error with the fix, at run time as in validate', async () => {
    const root = tree(['logs/a.jsonl']);
    await expect(expandGlobs([join(root, 'logs/[z-a]*.jsonl')])).rejects.toThrow(PermanentError);
    await expect(expandGlobs([join(root, 'logs/[z-a]*.jsonl')])).rejects.toThrow('the glob segment "[z-a]*.jsonl" is not valid (range out of order in character class)');
    expect(globProblem('logs/{ok,[z-a]}/*.jsonl')).toMatch(/segment "\[z-a\]"/);
    expect(globProblem('logs/**/[a-z]*.{jsonl,csv}.gz')).toBeUndefined();
  });
});
