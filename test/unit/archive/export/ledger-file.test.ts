import { describe, expect, it } from 'vitest';
import { SegmentChecker, ledgerLine } from '../../../../src/archive/export/ledger-file.js';
import { GENESIS_HASH, rowHash, type ChainRow } from '../../../../src/ledger/ledger.js';

/** A real chain of `n` rows built with the ledger's own rowHash, starting after `anchor`. */
function chain(n: number, anchor = { seq: 0, hash: GENESIS_HASH }): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = anchor;
  for (let i = 1; i <= n; i++) {
    const unsigned = {
      table: 'events' as const,
      seq: prev.seq + 1,
      at: `2026-10-0${i}T00:00:00.000Z`,
      prev_hash: prev.hash,
      event: 'note',
      body: JSON.stringify({ n: i, text: '中文 "quoted" \\ \n' }),
      subject: 'assistant',
      service_id: i % 2 ? 'assistant' : null,
    };
    const row = { ...unsigned, hash: rowHash(unsigned) } as ChainRow;
    rows.push(row);
    prev = { seq: row.seq, hash: row.hash };
  }
  return rows;
}

function check(lines: string[], range: { fromSeq: number; toSeq: number; anchor: { seq: number; hash: string } }, head: { seq: number; hash: string }): string[] {
  const c = new SegmentChecker('en', range);
  lines.forEach((l, i) => c.add(i + 1, l));
  return c.finish(head).map((p) => p.message);
}

const rows = chain(5);
const lines = rows.map((r) => ledgerLine(r).trimEnd());
const range = { fromSeq: 1, toSeq: 5, anchor: { seq: 0, hash: GENESIS_HASH } };
const head = { seq: 5, hash: rows[4]!.hash };

describe('ledger.jsonl segment check', () => {
  it('accepts an untouched segment, including one that starts mid-chain', () => {
    expect(check(lines, range, head)).toEqual([]);
    expect(check(lines.slice(2), { fromSeq: 3, toSeq: 5, anchor: { seq: 2, hash: rows[1]!.hash } }, head)).toEqual([]);
  });

  it('a line is the hashed object plus its hash, as canonical JSON', () => {
    const parsed = JSON.parse(lines[1]!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(parsed.service_id).toBeNull();
    const { hash, ...rest } = parsed;
    expect(rowHash(rest as never)).toBe(hash);
  });

  it.each([
    ['an edited body', (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('\\"n\\":3', '\\"n\\":4') : x)), [/^ledger\.jsonl line 3 \(row seq 3 in events \(note, subject assistant, service assistant\)\): content does not match its hash/]],
    ['a deleted row', (l: string[]) => l.filter((_, i) => i !== 2), [/line 3 \(row seq 4 .*seq should be 3/, /line 3 .*prev_hash does not match the hash of the line before it/, /has 4 rows; the manifest states 5/]],
    ['two rows swapped', (l: string[]) => [l[0]!, l[2]!, l[1]!, l[3]!, l[4]!], [/line 2 .*seq should be 2/, /line 2 .*prev_hash/, /line 3 .*seq should be 4/, /line 3 .*prev_hash/, /line 4 .*seq should be 3/, /line 4 .*prev_hash/]],
    ['rows cut from the end', (l: string[]) => l.slice(0, 3), [/has 3 rows; the manifest states 5/, /ends at seq 3 .*not at the head the manifest states \(seq 5/]],
    ['a line that is not JSON', (l: string[]) => l.map((x, i) => (i === 0 ? '{oops' : x)), [/line 1 is not valid JSON/]],
    ['a line with an extra field (not covered by the hash)', (l: string[]) => l.map((x, i) => (i === 0 ? x.replace('{', '{"extra":"x",') : x)), [/line 1 is not a complete ledger row/]],
  ])('names %s', (_label, tamper, expected) => {
    const problems = check(tamper(lines), range, head);
    for (const re of expected) expect(problems.some((p) => re.test(p)), `${re} in ${JSON.stringify(problems, null, 1)}`).toBe(true);
  });

  it('names a segment that does not start after the stated anchor', () => {
    expect(check(lines.slice(1), { fromSeq: 2, toSeq: 5, anchor: { seq: 1, hash: 'f'.repeat(64) } }, head)).toEqual([
      expect.stringMatching(/^ledger\.jsonl line 1 \(row seq 2 .*\): prev_hash does not match the anchor hash stated in the manifest$/),
    ]);
  });

  it('names a head that is not the last row', () => {
    expect(check(lines, range, { seq: 5, hash: 'e'.repeat(64) })).toEqual([expect.stringMatching(/ends at seq 5 \(.*\), not at the head the manifest states \(seq 5, eeeeeeeeeeee…\)/)]);
  });

  it('accepts an empty segment whose anchor is the head', () => {
    expect(check([], { fromSeq: 6, toSeq: 5, anchor: head }, head)).toEqual([]);
  });
});
