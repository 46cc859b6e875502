import type { Locale } from '../../lib/i18n.js';
import type { WrittenEntry } from './zip.js';

/**
 * manifest.json of a review package: what the package is (service, window, locale), the ledger
 * segment it carries (first/last seq, the anchor before it, the head it ends at), the evidence
 * files the ledger lists for the window, and the sha256 and size of every file written before
 * the manifest. SHA256SUMS then covers every file including this one.
 */
export const PACKAGE_FORMAT = 'dossier-review-package';
export const MANIFEST_FILE = 'manifest.json';
export const SUMS_FILE = 'SHA256SUMS';
export const VERIFY_FILE = 'VERIFY.md';
export const INDEX_FILE = 'index.html';
export const EVIDENCE_DIR = 'evidence/';

export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  version: 1;
  service: { id: string; name: string; filing: { number: string; approvedOn?: string; kind: string } };
  window: { from: string; to: string; timezone: string };
  locale: Locale;
  ledger: {
    file: string;
    fromSeq: number;
    toSeq: number;
    rows: number;
    anchor: { seq: number; hash: string };
    head: { seq: number; hash: string; at?: string };
  };
  /** Evidence the ledger lists for the window: archive path (in the package under evidence/), hash, size, and the row listing it. */
  evidence: Array<{ path: string; sha256: string; bytes: number; seq: number }>;
  /** Every file before manifest.json, in package order. */
  files: WrittenEntry[];
  /** What did not match while the package was made (empty for a clean package). */
  problems: string[];
}

export function sha256sums(entries: readonly WrittenEntry[]): string {
  return entries.map((e) => `${e.sha256}  ${e.name}\n`).join('');
}

/** `<sha256>  <name>` lines as GNU sha256sum writes them; `*` (binary mode) is accepted too. */
export function parseSha256sums(text: string): { entries: Map<string, string>; bad: number[] } {
  const entries = new Map<string, string>();
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m) entries.set(m[2]!, m[1]!);
    else bad.push(i + 1);
  });
  return { entries, bad };
}
