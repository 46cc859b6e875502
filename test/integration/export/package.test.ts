import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPackage, type ExportSummary } from '../../../src/archive/export/export.js';
import type { PackageManifest } from '../../../src/archive/export/manifest.js';
import { verifyPackage } from '../../../src/archive/export/verify-package.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { PYTHON_RECIPE } from '../../../src/archive/export/verify-doc.js';
import type { TestEnv } from '../../helpers/workspace.js';
import { ACCEPTED_BY, CASE_ID, COMPLAINT_CASE_ID, FILING_REF, ZONE, seededEnv } from '../../helpers/export-fixture.js';
import { entryText, readAll, rewriteZip } from '../../helpers/zip.js';

let env: TestEnv;
let out: string;
let dir: string;
let summary: ExportSummary;

const exportTo = (file: string, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', ZONE), locale, out: file });

beforeAll(async () => {
  env = await seededEnv();
  dir = mkdtempSync(join(tmpdir(), 'dossier-pkg-'));
  out = join(dir, 'package.zip');
  summary = await exportTo(out);
});
afterAll(async () => env?.close());

describe('dossier export: the review package', () => {
  it('holds the report, every evidence file of the window, the ledger rows, manifest, SHA256SUMS and VERIFY.md', async () => {
    expect(summary.problems).toEqual([]);
    const names = (await readAll(out)).map((e) => e.name);
    expect(names.slice(0, 1)).toEqual(['VERIFY.md']);
    expect(names.slice(-4)).toEqual(['ledger.jsonl', 'index.html', 'manifest.json', 'SHA256SUMS']);
    const evidence = names.filter((n) => n.startsWith('evidence/'));
    // 10 safety-log months (incl. the retried error attempt's manifest) + 13 policy runs + 12 complaint runs, each with its manifest.
    expect(evidence.filter((n) => n.includes('/assistant-safety-logs/') && n.endsWith('/events.jsonl.gz'))).toHaveLength(10);
    expect(evidence.some((n) => n.includes('/2025-10/'))).toBe(false); // before the window
    expect(evidence.some((n) => n.includes('/2026-11-02/'))).toBe(false); // after it
    expect(evidence.some((n) => n.includes('translator'))).toBe(false); // another service
    expect([...evidence].sort()).toEqual(evidence); // sorted, fixed order
    expect(summary.missingMonths).toEqual(['2026-02', '2026-05']);
  });

  it('is deterministic: a second export of the same ledger and archive is byte-identical', async () => {
    const again = join(dir, 'again.zip');
    const second = await exportTo(again);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
    expect(second.sha256).toBe(summary.sha256);
  });

  it('passes `dossier verify --package`', async () => {
    const report = await verifyPackage(out);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rows).toBe(summary.ledger.rows);
    expect(report.evidence).toBe(summary.evidence.files);
  });

  it('passes the real `sha256sum -c SHA256SUMS` after unpacking with the real `unzip`', () => {
    const unpacked = join(dir, 'unpacked');
    execFileSync('unzip', ['-q', out, '-d', unpacked]);
    const res = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines.length).toBe(summary.files - 1);
    expect(lines.every((l) => l.endsWith(': OK'))).toBe(true);
  });

  it('lets anyone recompute the chain with the Python recipe from VERIFY.md', async () => {
    const unpacked = join(dir, 'unpacked-py');
    execFileSync('unzip', ['-q', out, '-d', unpacked]);
    writeFileSync(join(unpacked, 'check_ledger.py'), PYTHON_RECIPE);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as PackageManifest;
    const res = spawnSync('python3', ['check_ledger.py'], { cwd: unpacked, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe(`ledger.jsonl OK, head ${manifest.ledger.head.hash}`);
    expect(readFileSync(join(unpacked, 'VERIFY.md'), 'utf8')).toContain(manifest.ledger.head.hash);
    // A cut start is caught by the recipe too.
    const lines = readFileSync(join(unpacked, 'ledger.jsonl'), 'utf8').split('\n');
    writeFileSync(join(unpacked, 'ledger.jsonl'), lines.slice(3).join('\n'));
    const cut = spawnSync('python3', ['check_ledger.py'], { cwd: unpacked, encoding: 'utf8' });
    expect(cut.status).toBe(1);
    expect(cut.stderr.trim()).toBe('line 1: seq is 4, not 1 (a row is missing, added or moved)');
  });

  it('carries the whole chain, from the genesis to the head, every table and every service', async () => {
    const manifest = JSON.parse(await entryText(out, 'manifest.json')) as PackageManifest;
    const head = await env.ledger.head();
    expect(manifest.ledger).toMatchObject({ fromSeq: 1, toSeq: head.seq, rows: head.seq, anchor: { seq: 0, hash: '0'.repeat(64) }, head });
    const lines = (await entryText(out, 'ledger.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as { seq: number; at: string; hash: string; prev_hash: string; service_id?: string | null });
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
    expect(lines[0]!.prev_hash).toBe('0'.repeat(64));
    expect(lines.at(-1)!.hash).toBe(head.hash);
    expect(lines.some((l) => l.at < '2025-10-31T16:00:00.000Z')).toBe(true); // rows from before the window
    expect(lines.some((l) => l.service_id === 'translator')).toBe(true); // another service's rows
  });

  it('shows missing months as missing in index.html, in the table and the chart', async () => {
    const html = await entryText(out, 'index.html');
    for (const m of ['2026-02', '2026-05']) {
      expect(html).toMatch(new RegExp(`<tr class="missing" data-month="${m}">`));
      expect(html).toContain(`<title>${m}: 缺失</title>`);
    }
    expect(html).toMatch(/<tr class="present st-fail" data-month="2026-07">/);
    expect((html.match(/<tr class="[^"]*" data-month="\d{4}-\d{2}"><td>/g) ?? []).length).toBeGreaterThanOrEqual(12);
    expect(html).not.toMatch(/<script|src=|@import|url\(/i);
  });

  it('shows the closed case with its filing reference, every notification, and says "no data" for nothing', async () => {
    const html = await entryText(out, 'index.html');
    expect(html).toContain(CASE_ID);
    expect(html).toContain(`备案参考号：${FILING_REF}`);
    expect(html).toContain('[智能客服大模型] 发现未报备的新增功能：图片生成');
    expect(html).toContain('ops@example.com, legal@example.com');
    expect(html).toContain('2026-06-02 09:00'); // sent, in Shanghai time
    expect(html).toContain('Dossier 每日摘要 2026-06-03'); // general notification
    expect(html).not.toContain('[翻译助手]'); // another service's
    expect(html).toContain(COMPLAINT_CASE_ID); // the open complaint case
  });

  it('includes the baselines archived by a real `baseline accept` (under <service>/_baselines/) without a mismatch', async () => {
    const names = (await readAll(out)).map((e) => e.name);
    const archived = names.filter((n) => /^evidence\/assistant\/_baselines\/2026-06-12\/[^/]+\/[^/]+$/.test(n)).map((n) => n.split('/').at(-1)).sort();
    expect(archived).toEqual(['acceptance.json', 'accepted-baseline.yaml', 'manifest.json', 'previous-baseline.yaml']);
    const manifest = JSON.parse(await entryText(out, 'manifest.json')) as PackageManifest;
    expect(manifest.problems).toEqual([]);
    expect(manifest.evidence.filter((e) => e.path.includes('/_baselines/'))).toHaveLength(4);
    expect(await entryText(out, 'index.html')).not.toContain('Mismatches found while exporting');
  });

  it('shows how, by whom, when and with which filing reference a case was closed (CaseResolution as recorded)', async () => {
    const row = (html: string) => html.split('\n').find((l) => l.includes(`<code>${CASE_ID}</code>`)) ?? '';
    const zh = row(await entryText(out, 'index.html'));
    expect(zh).toContain('新增功能「图片生成」(image-gen)');
    expect(zh).toContain(`已确认新基线（变更备案） · 经办：${ACCEPTED_BY} · 2026-06-12 10:00 · 备案参考号：${FILING_REF}`);
    const en = join(dir, 'en-case.zip');
    await exportTo(en, 'en');
    expect(row(await entryText(en, 'index.html'))).toContain(`new baseline accepted (change filed) · by ${ACCEPTED_BY} · 2026-06-12 10:00 · filing reference: ${FILING_REF}`);
  });

  it('renders in English with --locale en', async () => {
    const en = join(dir, 'en.zip');
    await exportTo(en, 'en');
    const html = await entryText(en, 'index.html');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Missing: no result for this month');
    expect(html).toContain(`filing reference: ${FILING_REF}`);
    expect(await entryText(en, 'VERIFY.md')).toContain('# How to check this review package');
    expect((await verifyPackage(en)).ok).toBe(true);
  });
});

describe('dossier verify --package: tampering', () => {
  const tampered = (name: string) => join(dir, name);

  it('names an edited evidence file (against SHA256SUMS, the manifest and its ledger row)', async () => {
    const file = tampered('evidence.zip');
    let target = '';
    await rewriteZip(out, file, (name, data) => {
      if (!target && name.endsWith('/report.md') && name.includes('/2026-07/')) {
        target = name;
        return data.toString().replace('48 blocked', '8 blocked');
      }
    });
    const report = await verifyPackage(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        `${target}：sha256 与 SHA256SUMS 不符（文件被改动过）`,
        `${target}：sha256 或大小与 manifest.json 不符`,
        expect.stringMatching(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：sha256 或大小与账本第 \\d+ 行的记录不符`)),
      ]),
    );
  });

  it('still names the evidence file when SHA256SUMS and the manifest were rewritten to match it', async () => {
    const file = tampered('evidence-consistent.zip');
    const { createHash } = await import('node:crypto');
    let target = '';
    let newHash = '';
    let newBytes = 0;
    let oldHash = '';
    await rewriteZip(out, file, (name, data) => {
      if (!target && name.endsWith('/summary.json') && name.includes('assistant-safety-logs/2026-07/')) {
        target = name;
        const changed = Buffer.from(data.toString().replace('"blocked": 48', '"blocked": 8'));
        oldHash = createHash('sha256').update(data).digest('hex');
        newHash = createHash('sha256').update(changed).digest('hex');
        newBytes = changed.length;
        return changed;
      }
      if (name === 'manifest.json') {
        const m = JSON.parse(data.toString()) as PackageManifest;
        for (const f of m.files) if (f.name === target) Object.assign(f, { sha256: newHash, bytes: newBytes });
        return JSON.stringify(m);
      }
      if (name === 'SHA256SUMS') return data.toString().replace(oldHash, newHash);
    });
    const report = await verifyPackage(file);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.startsWith(`${target}：sha256 或大小与账本第`))).toBe(true);
  });

  it('names an edited ledger line by line number and row', async () => {
    const file = tampered('ledger.zip');
    let lineNo = 0;
    await rewriteZip(out, file, (name, data) => {
      if (name !== 'ledger.jsonl') return;
      const lines = data.toString().split('\n');
      lineNo = lines.findIndex((l) => l.includes('"event":"finished"') && l.includes('"period_key":"2026-07"') && l.includes('"check_id":"assistant-safety-logs"')) + 1;
      const edited = lines[lineNo - 1]!.replace('\\"status\\":\\"fail\\"', '\\"status\\":\\"pass\\"');
      expect(edited).not.toBe(lines[lineNo - 1]);
      lines[lineNo - 1] = edited;
      return lines.join('\n');
    });
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^ledger\\.jsonl line ${lineNo} \\(row seq \\d+ in runs \\(finished, .*check assistant-safety-logs.*period key 2026-07\\)\\): content does not match its hash`)),
        'ledger.jsonl: sha256 does not match SHA256SUMS (the file was changed)',
      ]),
    );
  });

  it('names a deleted ledger line', async () => {
    const file = tampered('ledger-deleted.zip');
    await rewriteZip(out, file, (name, data) => (name === 'ledger.jsonl' ? data.toString().split('\n').filter((_, i) => i !== 10).join('\n') : undefined));
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ledger\.jsonl line 11 \(row seq \d+ .*\): seq should be \d+ \(a row was deleted, inserted or moved\)$/),
        expect.stringMatching(/^ledger\.jsonl line 11 .*prev_hash does not match the hash of the line before it$/),
      ]),
    );
  });

  it('names a file added to the package and a file removed from it', async () => {
    const file = tampered('added.zip');
    let removed = '';
    await rewriteZip(out, file, (name) => {
      if (!removed && name.endsWith('/events.jsonl.gz')) {
        removed = name;
        return null;
      }
      if (name === 'index.html') return undefined;
    });
    const withExtra = tampered('extra.zip');
    await rewriteZip(file, withExtra, () => undefined);
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.problems).toEqual(
      expect.arrayContaining([
        `${removed}: listed in SHA256SUMS but missing from the package`,
        expect.stringMatching(new RegExp(`^evidence ${removed.slice('evidence/'.length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} recorded by ledger row seq \\d+ \\(period \\d{4}-\\d{2}\\) is not in the package$`)),
      ]),
    );
  });

  it('reports bytes damaged inside the ZIP (bit rot) instead of hanging', async () => {
    const { openZip } = await import('../../../src/archive/export/zip-read.js');
    const zip = await openZip(out);
    const offsets = zip.entries.map((e) => ({ name: e.fileName, at: e.relativeOffsetOfLocalHeader + 30 + Buffer.byteLength(e.fileName) + 64, size: e.compressedSize }));
    zip.close();
    for (const name of ['ledger.jsonl', 'index.html']) {
      const target = offsets.find((o) => o.name === name)!;
      expect(target.size).toBeGreaterThan(200);
      const bytes = readFileSync(out);
      for (let i = 0; i < 16; i++) bytes[target.at + i]! ^= 0xff;
      const file = tampered(`rot-${name}.zip`);
      writeFileSync(file, bytes);
      const report = await verifyPackage(file, { locale: 'en' });
      expect(report.ok).toBe(false);
      // Named: unreadable (a broken deflate stream) or, should it still inflate, a hash mismatch.
      expect(report.problems[0]).toMatch(new RegExp(`^${name.replace('.', '\\.')}: (cannot be read \\(its data in the ZIP is damaged|sha256 does not match)`));
    }
  });

  it('reports a file that is not a ZIP', async () => {
    const file = tampered('not-a-zip.zip');
    writeFileSync(file, 'hello');
    const report = await verifyPackage(file, { locale: 'en' });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/is not a readable ZIP package/);
  });
});

describe('dossier export: an archive that no longer matches the ledger', () => {
  it('writes the package, records the mismatch, and verify names it', async () => {
    const local = await seededEnv();
    try {
      const [row] = await local.ledger.query<{ body: string }>("SELECT body FROM runs WHERE check_id = 'assistant-safety-logs' AND period_key = '2026-09' AND event = 'finished'");
      const ref = (JSON.parse(row!.body) as { evidence: Array<{ path: string }> }).evidence.find((e) => e.path.endsWith('report.md'))!;
      const abs = local.archive.resolve(ref.path);
      chmodSync(join(abs, '..'), 0o755);
      chmodSync(abs, 0o644);
      writeFileSync(abs, 'rewritten later\n');
      const missing = (JSON.parse(row!.body) as { evidence: Array<{ path: string }> }).evidence.find((e) => e.path.endsWith('summary.json'))!;
      const { rmSync } = await import('node:fs');
      rmSync(local.archive.resolve(missing.path));
      const file = join(dir, 'damaged.zip');
      const s = await exportPackage({ config: local.config, ledger: local.ledger, archive: local.archive, service: local.config.services[0]!, window: windowOf('2025-11', '2026-10', ZONE), locale: 'en', out: file });
      expect(s.problems).toEqual([
        expect.stringMatching(new RegExp(`^evidence ${missing.path} \\(listed by ledger row seq \\d+\\) is missing from the archive; not in the package$`)),
        expect.stringMatching(new RegExp(`^evidence ${ref.path} does not match the sha256/size recorded by ledger row seq \\d+`)),
      ]);
      expect(await entryText(file, 'index.html')).toContain('Mismatches found while exporting');
      const report = await verifyPackage(file);
      expect(report.ok).toBe(false);
      expect(report.problems.some((p) => p.includes(`evidence/${ref.path}: sha256 or size does not match ledger row seq`))).toBe(true);
      expect(report.problems.some((p) => p.includes(`evidence ${missing.path} recorded by ledger row seq`))).toBe(true);
    } finally {
      await local.close();
    }
  });
});
