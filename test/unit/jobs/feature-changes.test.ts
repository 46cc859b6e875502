import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../../src/archive/verify.js';
import { caseHistory, listCases } from '../../../src/ledger/cases.js';
import { verifyChain } from '../../../src/ledger/verify.js';
import { acceptBaseline } from '../../../src/inventory/baseline.js';
import { runCheck } from '../../../workers/run-check.js';
import { baseConfig, testEnv, writeConfig, type TestEnv } from '../../helpers/workspace.js';

const CHECK = 'assistant-feature-changes';
const fcCheck = (extra: Record<string, unknown> = {}) => ({ id: CHECK, type: 'feature-changes', service: 'assistant', cron: '0 9 * * *', notify: ['ops'], ...extra });

let env: TestEnv;
afterEach(async () => env?.close());

async function setup(extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Promise<TestEnv> {
  env = await testEnv({ config: baseConfig({ checks: [fcCheck(extra)], ...config }) });
  return env;
}

async function runOn(day: string, attempt = 1, maxAttempts = 1) {
  const { result } = await runCheck(env, { checkId: CHECK, scheduledAt: DateTime.fromISO(`${day}T09:00:00`, { zone: 'Asia/Shanghai' }), trigger: 'local', attempt, maxAttempts });
  return result;
}

const inventoryPath = () => join(env.dir, 'examples/assistant/inventory.yaml');
const baselinePath = () => join(env.dir, 'config/baselines/assistant.yaml');

describe('feature-changes on the shipped sample (image-gen added, channel app opened)', () => {
  it('opens one case per change, due 10 working days later: 2026-09-28 → 2026-10-16 over National Day', async () => {
    await setup();
    const r = await runOn('2026-09-28');
    expect(r.status).toBe('warn');
    expect(r.findings.map((f) => [f.code, f.severity, f.deadline])).toEqual([
      ['feature-added', 'warn', '2026-10-16'],
      ['scope-expanded', 'warn', '2026-10-16'],
    ]);
    expect(r.findings.every((f) => f.caseId)).toBe(true);
    expect(r.findings[0]!.message).toBe('新增功能「文生图」(image-gen)：未报备，自 2026-09-28 起发现；须在 2026-10-16 前办理变更备案（10 个工作日，剩余 10 个工作日）');
    expect(r.findings[0]!.data).toMatchObject({ actions: ['change-filing'], case: { new: true, firstSeen: '2026-09-28', state: 'open' } });
    expect(r.metrics).toMatchObject({ openCases: 2, newCases: 2, overdueCases: 0, nextDeadline: '2026-10-16' });
    expect(r.evidence.map((e) => e.path.split('/').at(-1)).sort()).toEqual(['baseline.json', 'diff.json', 'inventory.json', 'manifest.json']);
    const snapshot = r.evidence.find((e) => e.path.endsWith('inventory.json'))!;
    expect((r.metrics.inventory as { sha256: string }).sha256).toBe(snapshot.sha256);
  });

  it('the same changes seen on 5 runs are the same 2 cases; the deadline survives an SLA change in config', async () => {
    await setup();
    const ids = new Set<string>();
    for (const day of ['2026-11-30', '2026-12-01', '2026-12-02']) for (const f of (await runOn(day)).findings) ids.add(f.caseId!);
    // Ops raise the limit to 20 working days: cases already open keep their frozen deadline.
    const { config } = writeConfig(env.dir, baseConfig({ ...JSON.parse(JSON.stringify({ redis: env.config.redis })), checks: [fcCheck({ changeFilingWorkingDays: 20 })] }));
    env.config = config;
    for (const day of ['2026-12-03', '2026-12-04']) {
      const r = await runOn(day);
      for (const f of r.findings) ids.add(f.caseId!);
      // Mon 11-30 + 10 working days = Mon 12-14 (no holiday in between).
      expect(r.findings.map((f) => f.deadline)).toEqual(['2026-12-14', '2026-12-14']);
      expect(r.findings.every((f) => (f.data as { case: { new: boolean } }).case.new === false)).toBe(true);
    }
    expect(ids.size).toBe(2);
    const cases = await listCases(env.ledger);
    expect(cases).toHaveLength(2);
    for (const c of cases) expect((await caseHistory(env.ledger, c.caseId)).map((h) => h.event)).toEqual(['opened']);
  });

  it('another change elsewhere in the inventory writes no row for the cases already open', async () => {
    await setup();
    const first = await runOn('2026-11-30');
    writeFileSync(inventoryPath(), readFileSync(inventoryPath(), 'utf8').replace('  - { id: image-gen, name: 文生图 }\n', '  - { id: image-gen, name: 文生图 }\n  - { id: tts, name: 语音播报 }\n'));
    const r = await runOn('2026-12-01');
    expect(r.findings.map((f) => f.code)).toEqual(['feature-added', 'feature-added', 'scope-expanded']);
    for (const f of first.findings) expect((await caseHistory(env.ledger, f.caseId!)).map((h) => h.event)).toEqual(['opened']);
  });

  it('a filed feature opened to the public asks for a security assessment too', async () => {
    await setup();
    writeFileSync(inventoryPath(), readFileSync(inventoryPath(), 'utf8').replace('{ id: doc-qa, name: 文档问答 }', '{ id: doc-qa, name: 文档问答, audiences: [enterprise, public] }'));
    const r = await runOn('2026-11-30');
    const opened = r.findings.find((f) => f.code === 'feature-changed')!;
    expect(opened.data).toMatchObject({ subject: 'feature:doc-qa', actions: ['change-filing', 'security-assessment'] });
    expect(opened.message).toBe('功能「文档问答」(doc-qa) 的说明或适用对象已变更：未报备，自 2026-11-30 起发现；须在 2026-12-14 前办理变更备案（10 个工作日，剩余 10 个工作日）；该变更面向公众，上线前还须完成安全评估');
  });

  it('fails once a case is past its deadline (the deadline day itself is still on time)', async () => {
    await setup();
    await runOn('2026-11-30');
    expect((await runOn('2026-12-14')).status).toBe('warn');
    const late = await runOn('2026-12-15');
    expect(late.status).toBe('fail');
    expect(late.findings[0]).toMatchObject({ severity: 'fail', deadline: '2026-12-14' });
    expect(late.findings[0]!.message).toContain('变更备案期限 2026-12-14 已过（逾期 1 天）');
  });

  it('a change that disappears resolves its case by itself ("reverted")', async () => {
    await setup();
    const first = await runOn('2026-11-30');
    writeFileSync(inventoryPath(), readFileSync(inventoryPath(), 'utf8').replace('  - { id: image-gen, name: 文生图 }\n', ''));
    const r = await runOn('2026-12-01');
    expect(r.status).toBe('warn');
    expect(r.findings.map((f) => f.code)).toEqual(['scope-expanded', 'case-resolved']);
    expect(r.findings[1]).toMatchObject({ severity: 'info', caseId: first.findings[0]!.caseId, data: { reason: 'reverted' } });
    const resolved = (await listCases(env.ledger)).find((c) => c.caseId === first.findings[0]!.caseId)!;
    expect(resolved).toMatchObject({ state: 'resolved', resolution: { reason: 'reverted', runId: r.runId } });
  });

  it('baseline accept: takes the inventory as the baseline, archives the old one, resolves the cases with the reference', async () => {
    await setup();
    const before = await runOn('2026-11-30');
    const oldBaseline = readFileSync(baselinePath(), 'utf8');
    const out = await acceptBaseline(env, { service: 'assistant', ref: 'Beijing-XiaoZhi-20250315-BG01', by: 'li.legal' });
    expect(out.resolvedCases.sort()).toEqual(before.findings.map((f) => f.caseId!).sort());
    expect(out.version).toBe(1);
    expect(readFileSync(baselinePath(), 'utf8')).toContain('filing reference: Beijing-XiaoZhi-20250315-BG01');
    const archived = out.evidence.find((e) => e.path.endsWith('previous-baseline.yaml'))!;
    expect(archived.path).toMatch(/^assistant\/_baselines\/\d{4}-\d{2}-\d{2}\/[^/]+\/previous-baseline\.yaml$/);
    expect(readFileSync(env.archive.resolve(archived.path), 'utf8')).toBe(oldBaseline);

    for (const c of await listCases(env.ledger)) {
      expect(c).toMatchObject({ state: 'resolved', resolution: { reason: 'baseline-accepted', ref: 'Beijing-XiaoZhi-20250315-BG01', by: 'li.legal' } });
    }
    const [event] = await env.ledger.query<{ event: string; subject: string; body: string }>("SELECT event, subject, body FROM events WHERE event = 'baseline-accepted'");
    expect(event).toMatchObject({ subject: 'baseline:assistant' });
    expect(JSON.parse(event!.body)).toMatchObject({ ref: 'Beijing-XiaoZhi-20250315-BG01', by: 'li.legal', version: 1 });

    const after = await runOn('2026-12-01');
    expect(after.status).toBe('pass');
    expect(after.summary).toBe('与备案基线一致（3 项功能）');
    expect((await verifyChain(env.ledger)).problems).toEqual([]);
    const archive = await verifyArchive(env.ledger, env.archive);
    expect(archive.problems).toEqual([]);
    expect(archive.notes).toEqual([]);

    // A later change of the same kind is a new case, not the resolved one again.
    writeFileSync(inventoryPath(), readFileSync(inventoryPath(), 'utf8').replace('channels: [web, api, app]', 'channels: [web, api, app, wechat]'));
    const next = await runOn('2026-12-02');
    expect(next.findings.map((f) => [f.code, (f.data as { case: { new: boolean } }).case.new])).toEqual([['scope-expanded', true]]);
  });

  it('says a security assessment is due for a new public-facing feature', async () => {
    await setup({}, { locale: 'en' });
    writeFileSync(inventoryPath(), readFileSync(inventoryPath(), 'utf8').replace('{ id: image-gen, name: 文生图 }', '{ id: image-gen, name: 文生图, audiences: [public] }'));
    const r = await runOn('2026-11-30');
    expect(r.findings[0]!.message).toBe(
      'Feature added: 文生图 (image-gen): not reported, first seen 2026-11-30; a change filing is due by 2026-12-14 (10 working days; 10 left); it reaches the general public, so a security assessment is due before launch',
    );
    expect((r.findings[0]!.data as { actions: string[] }).actions).toEqual(['change-filing', 'security-assessment']);
  });

  it('an unreadable baseline is inconclusive and leaves the open cases alone', async () => {
    await setup();
    await runOn('2026-11-30');
    writeFileSync(baselinePath(), 'model: { name: [broken');
    const r = await runOn('2026-12-01');
    expect(r.status).toBe('inconclusive');
    expect(r.summary).toContain('is not valid YAML or JSON');
    expect(r.summary).toContain(baselinePath());
    expect(await listCases(env.ledger, { open: true })).toHaveLength(2);
  });
});

describe('feature-changes with an HTTP inventory', () => {
  const TOKEN = 'tok-9f8e7d6c5b4a';
  let server: Server;
  let url: string;
  let mode: 'ok' | 'error' = 'ok';
  const logs: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end();
      if (mode === 'error') return res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ model: { name: 'XiaoZhi', version: '2.1', base: 'Qwen2.5-72B' }, features: [{ id: 'chat', name: '多轮对话' }, { id: 'doc-qa', name: '文档问答' }], scope: { audiences: ['enterprise'], regions: ['CN'], channels: ['web', 'api'] } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inventory`;
    process.env.DOSSIER_TEST_INVENTORY_TOKEN = TOKEN;
  });
  afterAll(async () => {
    delete process.env.DOSSIER_TEST_INVENTORY_TOKEN;
    await new Promise((resolve) => server.close(resolve));
  });

  async function setupHttp(): Promise<void> {
    const written = baseConfig({ checks: [fcCheck()] }) as { services: Array<{ sources: Record<string, unknown> }> };
    written.services[0]!.sources.inventory = { url, tokenEnv: 'DOSSIER_TEST_INVENTORY_TOKEN', timeoutSeconds: 5 };
    env = await testEnv({ config: written });
    env.logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  }

  it('passes when the service matches its baseline; a 5xx is retried, then inconclusive; the token is nowhere', async () => {
    await setupHttp();
    mode = 'ok';
    expect((await runOn('2026-11-30')).status).toBe('pass');
    mode = 'error';
    const retried = await runOn('2026-12-01', 1, 3);
    expect(retried.status).toBe('error');
    const last = await runOn('2026-12-01', 3, 3);
    expect(last.status).toBe('inconclusive');
    expect(last.summary).toBe(`检查未能完成：the inventory URL ${url} answered HTTP 503 Service Unavailable; the inventory service has a problem, the run is retried`);

    const rows = await env.ledger.query<{ body: string }>('SELECT body FROM runs');
    expect(rows.some((r) => r.body.includes(TOKEN))).toBe(false);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.includes(TOKEN))).toBe(false);
    const files = readdirSync(env.config.archive.dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(TOKEN);
  });
});
