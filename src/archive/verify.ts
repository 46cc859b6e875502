import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorCode } from '../lib/errors.js';
import { hashingStream } from '../lib/hash.js';
import type { EvidenceRef, Result } from '../lib/result.js';
import { parseBody, type Ledger } from '../ledger/ledger.js';
import { MANIFEST, type Archive, type Manifest } from './store.js';

export interface ArchiveReport {
  runs: number;
  files: number;
  /** Mismatches: each fails verify. */
  problems: string[];
  /** Worth knowing, not a mismatch: directories no ledger row refers to (an attempt that died before recording). */
  notes: string[];
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  let digest = { sha256: '', bytes: 0 };
  await pipeline(createReadStream(path), hashingStream((h) => (digest = h)), new Writable({ write: (_c, _e, cb) => cb() }));
  return digest;
}

/**
 * Checks every evidence file the ledger records against its sha256 and size, every manifest
 * against its files, and that run directories hold nothing the manifest does not list. The
 * ledger is the anchor: a manifest edited together with its file still fails, because the
 * manifest's own hash is in the ledger.
 */
export async function verifyArchive(ledger: Ledger, archive: Archive): Promise<ArchiveReport> {
  const report: ArchiveReport = { runs: 0, files: 0, problems: [], notes: [] };
  const referenced = new Set<string>();
  const rows = await ledger.query<{ body: string }>("SELECT body FROM runs WHERE event IN ('finished', 'superseded') ORDER BY seq");
  // Events may carry evidence too (an accepted baseline archives the versions it replaced).
  const events = await ledger.query<{ body: string }>('SELECT body FROM events ORDER BY seq');
  for (const row of [...rows, ...events]) {
    const result = parseBody<Pick<Result, 'evidence'>>(row);
    if (!Array.isArray(result.evidence) || !result.evidence.length) continue;
    report.runs++;
    const dirs = new Set(result.evidence.map((e) => posix.dirname(e.path)));
    for (const dir of dirs) referenced.add(dir);
    for (const ref of result.evidence) {
      report.files++;
      const problem = await checkFile(archive, ref);
      if (problem) report.problems.push(problem);
    }
    for (const dir of dirs) report.problems.push(...(await checkManifest(archive, dir, result.evidence)));
  }
  report.notes.push(...(await unreferencedRunDirs(archive, referenced)));
  return report;
}

async function checkFile(archive: Archive, ref: EvidenceRef): Promise<string | undefined> {
  try {
    const actual = await sha256File(archive.resolve(ref.path));
    if (actual.sha256 !== ref.sha256) return `${ref.path}: sha256 does not match the ledger (the file was changed)`;
    if (actual.bytes !== ref.bytes) return `${ref.path}: size ${actual.bytes} does not match the ledger (${ref.bytes} bytes)`;
    return undefined;
  } catch (err) {
    return errorCode(err) === 'ENOENT' ? `${ref.path}: file is missing` : `${ref.path}: cannot be read (${errorCode(err) ?? String(err)})`;
  }
}

async function checkManifest(archive: Archive, dir: string, evidence: EvidenceRef[]): Promise<string[]> {
  const problems: string[] = [];
  const manifestPath = posix.join(dir, MANIFEST);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(archive.resolve(manifestPath), 'utf8')) as Manifest;
  } catch (err) {
    // A missing manifest is already reported by checkFile when the ledger lists it.
    if (errorCode(err) !== 'ENOENT') problems.push(`${manifestPath}: not valid JSON`);
    return problems;
  }
  const recorded = new Map(evidence.map((e) => [posix.basename(e.path), e]));
  for (const f of manifest.files ?? []) {
    const ref = recorded.get(f.name);
    if (!ref) problems.push(`${posix.join(dir, f.name)}: listed in the manifest but not in the ledger`);
    else if (ref.sha256 !== f.sha256) problems.push(`${posix.join(dir, f.name)}: manifest sha256 differs from the ledger`);
  }
  let names: string[] = [];
  try {
    names = await readdir(archive.resolve(dir));
  } catch {
    return problems;
  }
  for (const name of names) {
    if (!recorded.has(name)) problems.push(`${posix.join(dir, name)}: file is not listed in the manifest (added after the run)`);
  }
  return problems;
}

async function unreferencedRunDirs(archive: Archive, referenced: Set<string>): Promise<string[]> {
  const notes: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(archive.dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = rel ? posix.join(rel, e.name) : e.name;
      if (depth === 3) {
        if (!referenced.has(child)) notes.push(`${child}: run directory not recorded in the ledger (an attempt that stopped before recording)`);
      } else {
        await walk(child, depth + 1);
      }
    }
  };
  if ((await stat(archive.dir).catch(() => undefined))?.isDirectory()) await walk('', 0);
  return notes;
}
