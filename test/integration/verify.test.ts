import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { runCheck } from '../../workers/run-check.js';
import { runCli } from '../helpers/cli.js';
import { testEnv, type TestEnv } from '../helpers/workspace.js';

let env: TestEnv;
afterEach(async () => env?.close());

async function twoRuns(): Promise<TestEnv> {
  env = await testEnv();
  const req = { checkId: 'assistant-policy-freshness', trigger: 'local' as const, attempt: 1, maxAttempts: 1 };
  await runCheck(env, { ...req, scheduledAt: env.clock.now() });
  env.clock.advance({ days: 7 });
  await runCheck(env, { ...req, scheduledAt: env.clock.now() });
  return env;
}

const verifyAll = async (e: TestEnv) => [
  ...(await verifyChain(e.ledger)).problems.map((p) => p.message),
  ...(await verifyArchive(e.ledger, e.archive)).problems,
];

describe('verify', () => {
  it('passes on a fresh ledger and archive; evidence is read-only on disk', async () => {
    const e = await twoRuns();
    expect(await verifyAll(e)).toEqual([]);
    const [first] = (await e.ledger.query<{ body: string }>("SELECT body FROM runs WHERE event = 'finished' ORDER BY seq")).map((r) => JSON.parse(r.body));
    const summary = e.archive.resolve(first.evidence[0].path);
    expect(statSync(summary).mode & 0o777).toBe(0o444);
    expect(first.evidence.map((x: { path: string }) => x.path.split('/').slice(0, 3).join('/'))).toEqual([
      'assistant/assistant-policy-freshness/2026-11-30',
      'assistant/assistant-policy-freshness/2026-11-30',
    ]);
  });

  it('names an edited ledger row', async () => {
    const e = await twoRuns();
    const [row] = await e.ledger.query<{ seq: number; body: string }>("SELECT seq, body FROM runs WHERE event = 'finished' ORDER BY seq LIMIT 1");
    await e.ledger.driver.query('UPDATE runs SET body = ?, status = ? WHERE seq = ?', [row!.body.replace('"status":"pass"', '"status":"fail"'), 'fail', row!.seq]);
    expect(await verifyAll(e)).toEqual([
      `row seq ${row!.seq} in runs (finished, run ${JSON.parse(row!.body).runId}, check assistant-policy-freshness, service assistant, period key 2026-11-30): content does not match its hash (the row was edited)`,
    ]);
  });

  it('names a changed evidence byte (even when the manifest is changed to match)', async () => {
    const e = await twoRuns();
    const [row] = await e.ledger.query<{ body: string }>("SELECT body FROM runs WHERE event = 'finished' ORDER BY seq LIMIT 1");
    const evidence = JSON.parse(row!.body).evidence as Array<{ path: string }>;
    const file = e.archive.resolve(evidence[0]!.path);
    chmodSync(file, 0o644);
    const bytes = readFileSync(file);
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(file, bytes);
    expect(await verifyAll(e)).toEqual([`${evidence[0]!.path}: sha256 does not match the ledger (the file was changed)`]);

    // Covering the change by rewriting the manifest moves the mismatch to the manifest itself.
    const manifestPath = e.archive.resolve(evidence[1]!.path);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.files[0].sha256 = createHash('sha256').update(bytes).digest('hex');
    chmodSync(manifestPath, 0o644);
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    expect(await verifyAll(e)).toEqual([
      `${evidence[0]!.path}: sha256 does not match the ledger (the file was changed)`,
      `${evidence[1]!.path}: sha256 does not match the ledger (the file was changed)`,
      `${evidence[0]!.path}: manifest sha256 differs from the ledger`,
    ]);
  });

  it('names a row deleted in the middle of the chain', async () => {
    const e = await twoRuns();
    await e.ledger.driver.query('DELETE FROM runs WHERE seq = 2');
    expect(await verifyAll(e)).toEqual(['row seq 2 is missing (deleted?)', expect.stringMatching(/^row seq 3 in runs \(started.*prev_hash does not match/)]);
  });

  it('names a file slipped into a sealed run directory', async () => {
    const e = await twoRuns();
    const [row] = await e.ledger.query<{ body: string }>("SELECT body FROM runs WHERE event = 'finished' ORDER BY seq LIMIT 1");
    const dir = e.archive.resolve(JSON.parse(row!.body).evidence[0].path.replace(/\/[^/]+$/, ''));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'extra.txt'), 'x');
    const problems = await verifyAll(e);
    expect(problems).toEqual([expect.stringMatching(/extra\.txt: file is not listed in the manifest/)]);
  });

  it('reports an unrecorded run directory as a note, not a mismatch', async () => {
    const e = await twoRuns();
    mkdirSync(join(e.config.archive.dir, 'assistant/assistant-policy-freshness/2026-11-30/20261130T000000000Z-dead00'), { recursive: true });
    const report = await verifyArchive(e.ledger, e.archive);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([expect.stringMatching(/20261130T000000000Z-dead00: run directory not recorded in the ledger/)]);
  });

  it('`dossier verify` exits 0 when everything matches and 1 naming the mismatch', async () => {
    const e = await twoRuns();
    const ok = await runCli(['verify', '--config', e.configPath]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/校验通过/);
    await e.ledger.driver.query('DELETE FROM runs WHERE seq = 2');
    const bad = await runCli(['verify', '--config', e.configPath, '--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('row seq 2 is missing (deleted?)');
  });
});
