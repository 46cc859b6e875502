import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Archive } from '../../src/archive/store.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/normalize.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { openLedger } from '../../src/ledger/open.js';
import { FixedClock, type Clock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { RunDeps } from '../../workers/run-check.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(name = 'test'): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}

/** A temp directory holding a copy of examples/ and config/baselines/, for one test. */
export function tempWorkspace(name = 'dossier'): string {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
  mkdirSync(join(dir, 'config'), { recursive: true });
  cpSync(join(REPO, 'config/baselines'), join(dir, 'config/baselines'), { recursive: true });
  return dir;
}

type Written = Record<string, unknown>;

/** The shipped config's services and contacts, with a private data dir and Redis prefix. */
export function baseConfig(overrides: Written = {}): Written {
  return {
    version: 1,
    timezone: 'Asia/Shanghai',
    locale: 'zh-CN',
    dataDir: '../data',
    redis: { url: REDIS_URL, prefix: uniquePrefix() },
    http: { port: 0 },
    contacts: { ops: ['ops@example.com'], legal: ['legal@example.com'], managers: ['cto@example.com'] },
    services: [
      {
        id: 'assistant',
        name: '智能客服大模型',
        filing: { number: 'Beijing-XiaoZhi-20250315', approvedOn: '2025-03-15' },
        obligations: [{ id: 'annual-review', title: '年度合规自查与复审', due: { every: 'year', from: '2025-03-15' } }],
        baseline: './baselines/assistant.yaml',
        sources: {
          safetyLogs: { files: '../examples/assistant/safety-logs/*.jsonl*' },
          inventory: { file: '../examples/assistant/inventory.yaml' },
          complaints: { file: '../examples/assistant/complaints.csv' },
          keywordLibrary: { file: '../examples/assistant/policies/keywords.txt' },
          questionBanks: {
            refuse: '../examples/assistant/policies/should-refuse.jsonl',
            answer: '../examples/assistant/policies/should-answer.jsonl',
          },
        },
      },
    ],
    checks: [{ id: 'assistant-policy-freshness', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1', notify: ['ops'] }],
    ...overrides,
  };
}

/** Writes `written` as config/dossier.yaml in `dir` and loads it. */
export function writeConfig(dir: string, written: Written): { path: string; config: Config } {
  const path = join(dir, 'config', 'dossier.yaml');
  const text = stringify(written);
  writeFileSync(path, text);
  return { path, config: parseConfig(path, text, {}) };
}

export interface TestEnv extends RunDeps {
  dir: string;
  configPath: string;
  clock: FixedClock;
  close(): Promise<void>;
}

/** Workspace + config + a real SQLite ledger + archive, with a pinned clock. */
export async function testEnv(opts: { config?: Written; at?: string; clock?: Clock } = {}): Promise<TestEnv> {
  const dir = tempWorkspace();
  const { path, config } = writeConfig(dir, opts.config ?? baseConfig());
  const clock = new FixedClock(opts.at ?? '2026-11-30T10:00:00+08:00');
  const ledger: Ledger = await openLedger(config.ledger.url, clock);
  return {
    dir,
    configPath: path,
    config,
    ledger,
    archive: new Archive(config.archive.dir),
    clock,
    logger: silentLogger(),
    close: () => ledger.close(),
  };
}
