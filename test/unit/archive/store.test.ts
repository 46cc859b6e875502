import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Archive } from '../../../src/archive/store.js';

const open = async () => {
  const archive = new Archive(mkdtempSync(join(tmpdir(), 'archive-')));
  return archive.openRun({ service: 's', check: 'c', period: '2026-10', runId: 'r1' }, '2026-11-01T02:00:00+08:00');
};

describe('evidence writer', () => {
  it('takes a name when its write starts: a second write of it fails at once', async () => {
    const ev = await open();
    const { stream, done } = ev.createStream('events.jsonl.gz');
    await expect(ev.writeFile('events.jsonl.gz', 'x')).rejects.toThrow(/already written in this run; evidence is never overwritten/);
    stream.end('data');
    await done;
    expect(ev.files().map((f) => f.path)).toEqual(['s/c/2026-10/r1/events.jsonl.gz']);
  });

  it('a write still streaming when the run is sealed is discarded, never slipped in unlisted', async () => {
    const ev = await open();
    const { stream, done } = ev.createStream('events.jsonl.gz');
    const failed = done.then(() => 'written', (e: Error) => e.message);
    stream.write('part of a month');
    const files = await ev.finalize(); // the handler timed out: sealing waits its grace, then seals
    stream.end('…and the rest, too late');
    expect(await failed).toMatch(/was sealed while "events\.jsonl\.gz" was still being written/);
    expect(files.map((f) => f.path)).toEqual(['s/c/2026-10/r1/manifest.json']);
    expect(readdirSync(ev.absDir)).toEqual(['manifest.json']); // no temp file, no stray file
    expect(JSON.parse(readFileSync(join(ev.absDir, 'manifest.json'), 'utf8')).files).toEqual([]);
    expect(existsSync(join(ev.absDir, 'events.jsonl.gz'))).toBe(false);
  });
});
