import { DateTime, IANAZone } from 'luxon';
import { say, type Locale } from '../../lib/i18n.js';
import { GENESIS_HASH, type ChainRow } from '../../ledger/ledger.js';
import { asRecord } from './gather-sections.js';
import { LEDGER_FILE } from './ledger-file.js';
import { EVIDENCE_DIR, MANIFEST_FILE, type PackageManifest } from './manifest.js';
import { addMonths, isMonthKey } from './window.js';

/**
 * What a package must contain, decided from what is authenticated. manifest.json is not: anyone
 * who unpacks a package can rewrite it together with SHA256SUMS. The ledger rows are: each one's
 * hash covers the one before, from the genesis to a head published outside the package (daily
 * digest, the server's ledger). So
 *  - the ledger in the package must start at the genesis: cutting rows at the start would drop
 *    the rows that list a month's evidence, and the rest would still chain;
 *  - the service and window the manifest names must be well-formed (an invisible character in a
 *    service id or a month would match no row and so require nothing), and are printed for the
 *    reviewer to compare with what was asked for;
 *  - the evidence a window needs is read from the rows themselves: every file listed by a
 *    finished run of the service whose period lies in the window, and by an event of the service
 *    recorded in the window (an archived baseline), must be in the package with the sha256 and
 *    size that row recorded.
 */

const SERVICE_ID = /^[a-z0-9][a-z0-9-]*$/;

interface Ref {
  sha256: string;
  bytes: number;
  seq: number;
}

/** A row that lists evidence: a finished run (with its period) or an event (with its time). */
interface ListingRow {
  seq: number;
  table: 'runs' | 'events';
  service: string;
  /** runs: the period key; events: the UTC time the row was recorded. */
  period: string;
  evidence: string[];
}

/** What the ledger rows of the package say about evidence, collected line by line. */
export class EvidenceLedger {
  readonly refs = new Map<string, Ref>();
  readonly listing: ListingRow[] = [];

  add(row: ChainRow): void {
    let body: Record<string, unknown>;
    try {
      body = asRecord(JSON.parse(row.body));
    } catch {
      return;
    }
    const listed: string[] = [];
    for (const ref of Array.isArray(body.evidence) ? body.evidence : []) {
      const r = asRecord(ref);
      if (typeof r.path === 'string' && typeof r.sha256 === 'string' && typeof r.bytes === 'number') {
        this.refs.set(r.path, { sha256: r.sha256, bytes: r.bytes, seq: row.seq });
        listed.push(r.path);
      }
    }
    if (!listed.length) return;
    if (row.table === 'runs' && row.event === 'finished') this.listing.push({ seq: row.seq, table: 'runs', service: String(row.service_id), period: String(row.period_key), evidence: listed });
    if (row.table === 'events') this.listing.push({ seq: row.seq, table: 'events', service: String(row.service_id), period: row.at, evidence: listed });
  }
}

/** The manifest's claims that decide what is checked: service id, window, where the ledger starts. */
export function claimProblems(l: Locale, m: PackageManifest): string[] {
  const out: string[] = [];
  if (!SERVICE_ID.test(m.service.id)) {
    out.push(
      say(
        l,
        `${MANIFEST_FILE}：服务标识 "${visible(m.service.id)}" 无效（只能由小写字母、数字和“-”组成，以字母或数字开头）`,
        `${MANIFEST_FILE}: the service id "${visible(m.service.id)}" is not valid (lowercase letters, digits and "-", starting with a letter or digit)`,
      ),
    );
  }
  if (!isMonthKey(m.window.from) || !isMonthKey(m.window.to) || m.window.from > m.window.to) {
    out.push(
      say(
        l,
        `${MANIFEST_FILE}：覆盖期间 "${visible(m.window.from)}" 至 "${visible(m.window.to)}" 无效（应为 YYYY-MM 格式的月份，起始月不晚于结束月）`,
        `${MANIFEST_FILE}: the window "${visible(m.window.from)}" to "${visible(m.window.to)}" is not valid (months written YYYY-MM, the first not after the last)`,
      ),
    );
  }
  if (typeof m.window.timezone !== 'string' || !IANAZone.isValidZone(m.window.timezone)) {
    out.push(say(l, `${MANIFEST_FILE}：时区 "${visible(String(m.window.timezone))}" 不是有效的 IANA 时区`, `${MANIFEST_FILE}: the time zone "${visible(String(m.window.timezone))}" is not a valid IANA zone`));
  }
  const { fromSeq, anchor } = m.ledger;
  if (fromSeq !== 1 || anchor.seq !== 0 || anchor.hash !== GENESIS_HASH) {
    out.push(
      say(
        l,
        `${LEDGER_FILE} 必须从账本起点开始（seq 1，锚点 seq 0、哈希为 64 个 0），清单声明从 seq ${fromSeq} 开始、锚点 seq ${anchor.seq}：之前的账本行（以及它们记录的证据）不在包内`,
        `${LEDGER_FILE} must start at the start of the ledger (seq 1 after anchor seq 0 with the hash of 64 zeros); the manifest states seq ${fromSeq} after anchor seq ${anchor.seq}: the rows before it, and the evidence they list, are not in the package`,
      ),
    );
  }
  return out;
}

/**
 * Evidence against the ledger rows in the package: each file must be the one a row recorded, and
 * every file that the rows list for the service and window must be here. The manifest's evidence
 * list is not trusted for this; it must agree with the rows.
 */
export function evidenceProblems(l: Locale, actual: Map<string, { sha256: string; bytes: number }>, ledger: EvidenceLedger, m: PackageManifest): string[] {
  const out: string[] = [];
  for (const [name, got] of actual) {
    if (!name.startsWith(EVIDENCE_DIR)) continue;
    const ref = ledger.refs.get(name.slice(EVIDENCE_DIR.length));
    if (!ref) out.push(say(l, `${name}：${LEDGER_FILE} 中没有任何一行记录这个文件`, `${name}: no row in ${LEDGER_FILE} records this file`));
    else if (ref.sha256 !== got.sha256 || ref.bytes !== got.bytes) {
      out.push(say(l, `${name}：sha256 或大小与账本第 ${ref.seq} 行的记录不符（证据被改动过）`, `${name}: sha256 or size does not match ledger row seq ${ref.seq} (the evidence was changed)`));
    }
  }
  for (const e of m.evidence) {
    const ref = ledger.refs.get(e.path);
    if (ref && (ref.sha256 !== e.sha256 || ref.bytes !== e.bytes)) {
      out.push(say(l, `${MANIFEST_FILE} 中 ${e.path} 的 sha256 与账本第 ${ref.seq} 行不符`, `${MANIFEST_FILE}: ${e.path} has a sha256 other than ledger row seq ${ref.seq}`));
    }
  }
  const inWindow = windowTest(m);
  for (const row of ledger.listing) {
    if (row.service !== m.service.id || !inWindow(row)) continue;
    for (const path of row.evidence) {
      if (actual.has(EVIDENCE_DIR + path)) continue;
      out.push(
        row.table === 'runs'
          ? say(l, `账本第 ${row.seq} 行（周期 ${row.period}）记录的证据 ${path} 不在包内`, `evidence ${path} recorded by ledger row seq ${row.seq} (period ${row.period}) is not in the package`)
          : say(l, `账本第 ${row.seq} 行（${row.period} 记录的事件）记录的证据 ${path} 不在包内`, `evidence ${path} recorded by ledger row seq ${row.seq} (an event of ${row.period}) is not in the package`),
      );
    }
  }
  return out;
}

/** Run periods compare as keys (a month, or a day inside one); event times by the window's instants in its zone. */
function windowTest(m: PackageManifest): (row: ListingRow) => boolean {
  const afterLast = isMonthKey(m.window.to) ? addMonths(m.window.to, 1) : m.window.to;
  const zone = IANAZone.isValidZone(m.window.timezone) ? m.window.timezone : 'UTC';
  const instant = (month: string) => DateTime.fromFormat(month, 'yyyy-MM', { zone }).toUTC().toISO() ?? month;
  const [start, end] = [instant(m.window.from), instant(afterLast)];
  return (row) => (row.table === 'runs' ? row.period >= m.window.from && row.period < afterLast : row.period >= start && row.period < end);
}

/** A string with every character outside printable ASCII written as \uXXXX, so nothing hides in it. */
export function visible(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
