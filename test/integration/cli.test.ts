import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/redis-server.js';
import { baseConfig, tempWorkspace, writeConfig } from '../helpers/workspace.js';

function workspace(overrides: Record<string, unknown> = {}) {
  const dir = tempWorkspace();
  return { dir, ...writeConfig(dir, baseConfig(overrides)) };
}

describe('dossier CLI', () => {
  it('run --local --json prints the Result JSON of the spec and records it', async () => {
    const { path } = workspace();
    const out = await runCli(['run', 'assistant-policy-freshness', '--local', '--json', '--at', '2026-11-30T10:00:00+08:00', '--config', path]);
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(Object.keys(r).sort()).toEqual(
      ['attempt', 'check', 'evidence', 'finishedAt', 'findings', 'metrics', 'period', 'runId', 'scheduledAt', 'service', 'startedAt', 'status', 'summary', 'trigger', 'type'].sort(),
    );
    expect(r).toMatchObject({
      check: 'assistant-policy-freshness',
      type: 'policy-freshness',
      service: 'assistant',
      period: { key: '2026-11-30', start: '2026-11-30T00:00:00.000+08:00', end: '2026-12-01T00:00:00.000+08:00' },
      scheduledAt: '2026-11-30T10:00:00.000+08:00',
      attempt: 1,
      status: 'pass',
    });
    expect(r.evidence[0]).toEqual({ path: expect.stringMatching(/^assistant\/assistant-policy-freshness\/2026-11-30\/[^/]+\/summary\.json$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) });

    const history = await runCli(['history', '--json', '--config', path]);
    expect(JSON.parse(history.stdout).map((h: { runId: string }) => h.runId)).toEqual([r.runId]);
  });

  it('run --period picks the period and stamps the instant its schedule would have fired', async () => {
    const { path } = workspace();
    const out = await runCli(['run', 'assistant-policy-freshness', '--local', '--json', '--period', '2026-11-23', '--config', path]);
    expect(JSON.parse(out.stdout)).toMatchObject({ period: { key: '2026-11-23' }, scheduledAt: '2026-11-23T10:00:00.000+08:00' });
  });

  it('exit 1 when the check is not OK', async () => {
    const cfg = baseConfig();
    (cfg.checks as Array<Record<string, unknown>>)[0]!.keywordLibrary = { minEntries: 99_999 };
    const dir = tempWorkspace();
    const { path } = writeConfig(dir, cfg);
    const out = await runCli(['run', 'assistant-policy-freshness', '--local', '--config', path]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/fail 不合格/);
    expect(out.stdout).toMatch(/keyword-library-too-small: 关键词库仅有 10240 条，低于要求的 99999 条/);
  });

  it('exit 2 for bad usage: unknown check, wrong period format, unknown option', async () => {
    const { path } = workspace();
    const unknown = await runCli(['run', 'nope', '--local', '--config', path]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no check "nope" in .*; checks: assistant-policy-freshness/);
    const period = await runCli(['run', 'assistant-policy-freshness', '--local', '--period', '2026-11', '--config', path]);
    expect(period.code).toBe(2);
    expect(period.stderr).toMatch(/period "2026-11" does not fit check assistant-policy-freshness \(policy-freshness\); write it as YYYY-MM-DD/);
    expect((await runCli(['history', '--bogus', '--config', path])).code).toBe(2);
  });

  it('validate: exit 0 with next fire times; exit 2 listing every problem of a broken file', async () => {
    const { dir, path } = workspace();
    const ok = await runCli(['validate', '--json', '--config', path]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).checks[0].next).toHaveLength(3);

    writeFileSync(`${dir}/config/broken.yaml`, 'version: 1\ntimezone: Nowhere/City\nservices: []\nchecks:\n  - { id: x, type: policy-freshness, service: s, cron: "0 99 * * *" }\ndigest: { enabled: false }\n');
    const bad = await runCli(['validate', '--config', `${dir}/config/broken.yaml`]);
    expect(bad.code).toBe(2);
    const lines = bad.stderr.trim().split('\n');
    expect(lines[0]).toBe('dossier: invalid config (4 problems):');
    expect(lines.slice(1).map((l) => l.trim().replace(/^\S+broken\.yaml:/, ''))).toEqual([
      expect.stringMatching(/^2 timezone: "Nowhere\/City" is not an IANA time zone/),
      expect.stringMatching(/^3 services: .*too small/),
      expect.stringMatching(/^5 checks\[0\]\.cron: "0 99 \* \* \*" is not a valid cron pattern/),
      expect.stringMatching(/^5 checks\[0\]\.service: service "s" is not defined/),
    ]);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('exit 3 naming the URL and the fix when Redis is unreachable', async () => {
    const port = await freePort();
    const { path } = workspace({ redis: { url: `redis://:s3cret@127.0.0.1:${port}`, prefix: 'x' } });
    for (const args of [['reconcile'], ['schedules'], ['run', 'assistant-policy-freshness'], ['start']]) {
      const started = Date.now();
      const out = await runCli([...args, '--config', path], { timeoutMs: 20_000 });
      expect(out.code, args.join(' ')).toBe(3);
      expect(out.stderr).toMatch(new RegExp(`Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\); start Redis`));
      expect(out.stderr).not.toContain('s3cret');
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('--help works for every command and exits 0', async () => {
    const out = await runCli(['run', '--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/--period <key>/);
  });
});
