import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../../src/archive/export/window.js';
import { runCli } from '../../helpers/cli.js';
import { seededEnv } from '../../helpers/export-fixture.js';
import type { TestEnv } from '../../helpers/workspace.js';
import { rewriteZip } from '../../helpers/zip.js';

let env: TestEnv;
let dir: string;

beforeAll(async () => {
  env = await seededEnv();
  await env.close(); // the CLI opens the ledger itself
  dir = mkdtempSync(join(tmpdir(), 'dossier-cli-export-'));
});
afterAll(async () => undefined);

const exportArgs = (out: string, ...more: string[]) => ['export', 'assistant', '--from', '2025-11', '--to', '2026-10', '--out', out, '--config', env.configPath, ...more];

describe('dossier export / verify --package (CLI)', () => {
  it('writes byte-identical packages whatever the process time zone, and prints what it wrote', async () => {
    const a = join(dir, 'utc.zip');
    const b = join(dir, 'berlin.zip');
    const ra = await runCli(exportArgs(a), { env: { TZ: 'UTC' } });
    const rb = await runCli(exportArgs(b), { env: { TZ: 'Europe/Berlin' } });
    expect(ra.stderr).toBe('');
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(ra.stdout).toContain(`已写入 ${a}`);
    expect(ra.stdout).toContain('覆盖期间：2025-11 至 2026-10');
    expect(ra.stdout).toContain('缺失月份（运营日志）：2026-02, 2026-05');
    expect(ra.stdout).toMatch(/档案包 sha256：[0-9a-f]{64}/);
  });

  it('verify --package: exit 0 and says so; the same from the package alone, without any config', async () => {
    const file = join(dir, 'utc.zip');
    const r = await runCli(['verify', '--package', file], { env: { DOSSIER_CONFIG: '/nonexistent/dossier.yaml' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const banner = lines.indexOf('='.repeat(60));
    expect(lines.slice(banner, banner + 5)).toEqual([
      '='.repeat(60),
      '  服务：    assistant（智能客服大模型）',
      '  覆盖期间：2025-11 至 2026-10（Asia/Shanghai）',
      '  请核对：服务与覆盖期间应与您要求提供的一致。',
      '='.repeat(60),
    ]);
    expect(banner).toBe(1); // right under the package name
    expect(r.stdout).toContain('校验通过：assistant 在 2025-11 至 2026-10 的档案包完整且未被改动（相对于上面的链头）');
  });

  it('verify --package --against-ledger: the package rows are the ledger rows', async () => {
    const r = await runCli(['verify', '--package', join(dir, 'utc.zip'), '--against-ledger', '--config', env.configPath, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; rows: number; problems: string[] };
    expect(report.problems).toEqual([]);
    expect(report.rows).toBeGreaterThan(80);
  });

  it('verify --package: exit 1 naming the tampered file', async () => {
    const file = join(dir, 'tampered.zip');
    let target = '';
    await rewriteZip(join(dir, 'utc.zip'), file, (name, data) => {
      if (!target && name.endsWith('/report.md')) {
        target = name;
        return Buffer.concat([data, Buffer.from('one more line\n')]);
      }
    });
    const r = await runCli(['verify', '--package', file, '--locale', 'en']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Verification FAILED');
    expect(r.stdout).toContain(`✗ ${target}: sha256 does not match SHA256SUMS (the file was changed)`);
    expect(r.stdout).toMatch(new RegExp(`✗ ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: sha256 or size does not match ledger row seq \\d+`));
  });

  it('uses the 12 months before the next obligation due date by default', async () => {
    const out = join(dir, 'default.zip');
    const r = await runCli(['export', 'assistant', '--out', out, '--config', env.configPath, '--json', '--locale', 'en']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { window: { from: string; to: string; basis: { obligation: string; due: string } } };
    expect(s.window.basis.obligation).toBe('annual-review');
    expect(s.window.basis.due).toMatch(/^\d{4}-03-15$/);
    expect(s.window.to).toBe(addMonths(s.window.basis.due.slice(0, 7), -1));
    expect(s.window.from).toBe(addMonths(s.window.basis.due.slice(0, 7), -12));
  });

  it.each([
    [['export', 'nosuch'], /no service "nosuch" in .*; services: assistant, translator/],
    [['export', 'assistant', '--from', '2026-13'], /--from 2026-13 is not a month; write it as YYYY-MM/],
    [['export', 'assistant', '--from', '2026-10', '--to', '2026-01'], /--from 2026-10 is after --to 2026-01/],
    [['export', 'assistant', '--locale', 'fr'], /--locale fr is not supported; use zh-CN or en/],
    [['export', 'assistant', '--out', '/nonexistent/dir/x.zip'], /the directory \/nonexistent\/dir does not exist/],
  ])('bad usage %j → exit 2 with the fix', async (args, message) => {
    const r = await runCli([...args, '--config', env.configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('verify --package with a missing file → exit 2', async () => {
    const r = await runCli(['verify', '--package', join(dir, 'nope.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--package .*nope\.zip: file not found/);
  });
});
