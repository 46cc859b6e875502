import { CHAIN_TABLES } from './migrations.js';
import { rowHash, GENESIS_HASH, type ChainRow, type Ledger } from './ledger.js';

export interface ChainProblem {
  seq: number;
  table?: string;
  message: string;
}

const PAGE = 2000;

/**
 * Recomputes the hash chain row by row and names every row that does not match: an edited row
 * (its hash no longer matches its content), a deleted row (a gap in seq, and the next row's
 * prev_hash pointing at nothing), rows removed from the end (the head points past the last row).
 */
export async function verifyChain(ledger: Ledger): Promise<{ rows: number; head: { seq: number; hash: string }; problems: ChainProblem[] }> {
  // The chain as of this head: a running daemon may append while we walk, and those rows are not
  // this verification's business (they are checked next time).
  const head = await ledger.head();
  const problems: ChainProblem[] = [];
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (let from = 0; from < head.seq; from += PAGE) {
    for (const row of await ledger.chainRows(from, Math.min(from + PAGE, head.seq))) {
      count++;
      if (row.seq !== prev.seq + 1) {
        const gap = row.seq - prev.seq - 1;
        problems.push({
          seq: prev.seq + 1,
          message: gap === 1 ? `row seq ${prev.seq + 1} is missing (deleted?)` : `rows seq ${prev.seq + 1}–${row.seq - 1} are missing (deleted?)`,
        });
      }
      if (row.prev_hash !== prev.hash) {
        problems.push({ seq: row.seq, table: row.table, message: `${describe(row)}: prev_hash does not match the hash of the row before it` });
      }
      if (rowHash(row) !== row.hash) {
        problems.push({ seq: row.seq, table: row.table, message: `${describe(row)}: content does not match its hash (the row was edited)` });
      }
      prev = { seq: row.seq, hash: row.hash };
    }
  }
  if (prev.seq !== head.seq || prev.hash !== head.hash) {
    problems.push({
      seq: head.seq,
      message:
        prev.seq < head.seq
          ? `the chain head is seq ${head.seq} but the last row is seq ${prev.seq}: rows at the end were deleted`
          : `the chain head (seq ${head.seq}, ${head.hash.slice(0, 12)}…) does not match the last row (seq ${prev.seq}, ${prev.hash.slice(0, 12)}…)`,
    });
  }
  // Every row must belong to the chain: a row outside it (seq 0, negative, fractional, or past the
  // head, which no append leaves behind) is never walked, yet views and lookups read it. One
  // statement compares with the head it sees, so rows a running daemon appends meanwhile (and
  // the head that comes with them) are never mistaken for strays.
  for (const table of Object.keys(CHAIN_TABLES)) {
    const strays = await ledger.query<{ seq: number; head: number }>(
      `SELECT seq, (SELECT seq FROM ledger_head WHERE id = 1) AS head FROM ${table}
       WHERE seq < 1 OR seq <> CAST(seq AS INTEGER) OR seq > (SELECT seq FROM ledger_head WHERE id = 1) ORDER BY seq`,
    );
    for (const r of strays) {
      problems.push({ seq: Number(r.seq), table, message: `a row in ${table} has seq ${r.seq}, outside the chain (1–${r.head}): it was inserted by hand` });
    }
  }
  return { rows: count, head, problems };
}

/** "row seq 17 in runs (finished, check assistant-policy-freshness, period 2026-11-29)" */
export function describe(row: ChainRow): string {
  const keys = CHAIN_TABLES[row.table]
    .filter((k) => row[k] !== null && row[k] !== undefined && k !== 'status' && k !== 'state')
    .map((k) => `${k.replace(/_id$/, '').replace(/_/g, ' ')} ${String(row[k])}`);
  return `row seq ${row.seq} in ${row.table} (${[row.event, ...keys].join(', ')})`;
}
