import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPackage } from '../../../src/archive/export/export.js';
import type { PackageManifest } from '../../../src/archive/export/manifest.js';
import { verifyPackage } from '../../../src/archive/export/verify-package.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { writeZip } from '../../../src/archive/export/zip.js';
import { runCli } from '../../helpers/cli.js';
import { ZONE, seededEnv } from '../../helpers/export-fixture.js';
import type { TestEnv } from '../../helpers/workspace.js';
import { readAll } from '../../helpers/zip.js';

/**
 * Packages cut down by someone who knows the format: evidence removed together with everything
 * that could give it away in the files a forger controls (manifest.json, SHA256SUMS). The ledger
 * rows and the head stay genuine: that is all a reviewer can hold the package to.
 */

let env: TestEnv;
let dir: string;
let out: string;

beforeAll(async () => {
  env = await seededEnv();
  dir = mkdtempSync(join(tmpdir(), 'dossier-forgery-'));
  out = join(dir, 'genuine.zip');
  const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', ZONE), locale: 'en', out });
  expect(s.problems).toEqual([]);
});
afterAll(async () => env?.close());

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Rewrites a package consistently: `edit` changes the entries and the manifest; manifest.files,
 * its evidence list and SHA256SUMS are then recomputed, as a careful forger would.
 */
async function forge(name: string, edit: (entries: Map<string, Buffer>, manifest: PackageManifest) => void): Promise<string> {
  const entries = new Map((await readAll(out)).map((e) => [e.name, e.data] as const));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as PackageManifest;
  edit(entries, manifest);
  entries.delete('manifest.json');
  entries.delete('SHA256SUMS');
  manifest.files = [...entries].map(([n, data]) => ({ name: n, sha256: sha256(data), bytes: data.length }));
  manifest.evidence = manifest.evidence.filter((e) => entries.has(`evidence/${e.path}`));
  entries.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  entries.set('SHA256SUMS', Buffer.from([...entries].map(([n, data]) => `${sha256(data)}  ${n}\n`).join('')));
  const file = join(dir, name);
  await writeZip(file, [...entries].map(([n, data]) => ({ name: n, open: () => Readable.from([data]) })), new Date(2026, 0, 1));
  return file;
}

/** Drops the evidence files of the runs of one month of one check. */
function dropEvidence(entries: Map<string, Buffer>, prefix: string): number {
  let n = 0;
  for (const name of [...entries.keys()]) if (name.startsWith(prefix)) n += Number(entries.delete(name));
  expect(n).toBeGreaterThan(0);
  return n;
}

const NOVEMBER = 'evidence/assistant/assistant-safety-logs/2025-11/';

describe('dossier verify --package: a package cut down by a careful forger', () => {
  it('names a ledger whose first rows were cut together with the evidence they list', async () => {
    const file = await forge('cut-start.zip', (entries, manifest) => {
      const lines = entries.get('ledger.jsonl')!.toString().trimEnd().split('\n');
      const k = lines.findIndex((l) => l.includes('"check_id":"assistant-safety-logs"') && l.includes('"event":"finished"') && l.includes('"period_key":"2025-11"')) + 1;
      expect(k).toBeGreaterThan(1);
      const kept = lines.slice(k);
      const first = JSON.parse(kept[0]!) as { seq: number; prev_hash: string };
      entries.set('ledger.jsonl', Buffer.from(`${kept.join('\n')}\n`));
      Object.assign(manifest.ledger, { fromSeq: first.seq, rows: kept.length, anchor: { seq: first.seq - 1, hash: first.prev_hash } });
      dropEvidence(entries, NOVEMBER);
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/^ledger\.jsonl must start at the start of the ledger \(seq 1 after anchor seq 0 with the hash of 64 zeros\); the manifest states seq \d+ after anchor seq \d+: the rows before it, and the evidence they list, are not in the package$/),
    ]);
  });

  it('names a window month with an invisible character that would match no run (and so require nothing)', async () => {
    const file = await forge('window-zwsp.zip', (entries, manifest) => {
      manifest.window.from = '2025-11\u200b';
      dropEvidence(entries, NOVEMBER);
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems).toContain('manifest.json: the window "2025-11\\u200b" to "2026-10" is not valid (months written YYYY-MM, the first not after the last)');
  });

  it('names a service id with an invisible character that would match no row (and so require nothing)', async () => {
    const file = await forge('service-zwsp.zip', (entries, manifest) => {
      manifest.service.id = 'assistant\u200b';
      dropEvidence(entries, NOVEMBER);
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems).toContain('manifest.json: the service id "assistant\\u200b" is not valid (lowercase letters, digits and "-", starting with a letter or digit)');
  });

  it('requires the evidence the ledger rows list, whatever the manifest says: a run of the window and an accepted baseline', async () => {
    const file = await forge('dropped.zip', (entries) => {
      dropEvidence(entries, NOVEMBER);
      dropEvidence(entries, 'evidence/assistant/_baselines/2026-06-12/');
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => /recorded by ledger row seq \d+ \(period 2025-11\) is not in the package$/.test(p))).toHaveLength(4);
    expect(report.problems.filter((p) => /^evidence assistant\/_baselines\/2026-06-12\/.* recorded by ledger row seq \d+ \(an event of 2026-06-12T02:00:00\.000Z\) is not in the package$/.test(p))).toHaveLength(4);
  });

  it('a narrowed window verifies only for itself, and verify shows the window it states before anything else', async () => {
    const file = await forge('narrowed.zip', (entries, manifest) => {
      manifest.window.from = '2025-12';
      dropEvidence(entries, NOVEMBER);
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.window).toEqual({ from: '2025-12', to: '2026-10', timezone: ZONE });
    const r = await runCli(['verify', '--package', file, '--locale', 'en']);
    expect(r.stdout.split('\n').slice(1, 6)).toEqual([
      '='.repeat(60),
      '  Service: assistant (智能客服大模型)',
      '  Window:  2025-12 to 2026-10 (Asia/Shanghai)',
      '  Check: the service and window must be the ones you asked for.',
      '='.repeat(60),
    ]);
  });
});
