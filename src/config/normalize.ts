import { dirname, isAbsolute, resolve } from 'node:path';
import type { PeriodKind } from '../calendar/period.js';
import type { CheckType, ParsedCheck, ParsedConfig, ParsedService } from './schema.js';

/**
 * The resolved config: defaults applied (by zod), paths made absolute against the config file's
 * directory (as Prometheus does, so the daemon behaves the same from any working directory), and
 * the per-type defaults that depend on other fields filled in.
 */
export type Service = ParsedService;
export type Check = ParsedCheck & { missed: 'skip' | 'once' | 'all' };
export type CheckOf<T extends CheckType> = Extract<Check, { type: T }>;

export interface Config extends Omit<ParsedConfig, 'checks' | 'services' | 'ledger' | 'archive'> {
  /** Absolute path of the file this was loaded from. */
  file: string;
  ledger: { url: string; writeRetrySeconds: number };
  archive: { dir: string };
  outboxDir: string;
  services: Service[];
  checks: Check[];
}

/** What one run of a check type is about (see calendar/period.ts). */
export const PERIOD_KIND: Record<CheckType, PeriodKind> = {
  'safety-logs': 'previous-month',
  'feature-changes': 'day',
  'pre-review': 'day',
  'policy-freshness': 'day',
  'complaint-sla': 'day',
};

export function normalize(parsed: ParsedConfig, file: string): Config {
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const dataDir = abs(parsed.dataDir);
  const ledgerUrl = parsed.ledger.url ?? `sqlite:${resolve(dataDir, 'dossier.db')}`;
  return {
    ...parsed,
    file,
    dataDir,
    ledger: {
      url: ledgerUrl.startsWith('sqlite:') ? `sqlite:${abs(ledgerUrl.slice('sqlite:'.length))}` : ledgerUrl,
      writeRetrySeconds: parsed.ledger.writeRetrySeconds,
    },
    archive: { dir: abs(parsed.archive.dir ?? resolve(dataDir, 'archive')) },
    outboxDir: resolve(dataDir, 'outbox'),
    services: parsed.services.map((s) => normalizeService(s, abs)),
    checks: parsed.checks.map((c) => ({
      ...c,
      // Monthly evidence must never have holes, so every missed month runs; for daily checks only
      // today's state matters, so one catch-up run stands in for the missed days.
      missed: c.missed ?? (PERIOD_KIND[c.type] === 'previous-month' ? 'all' : 'once'),
    })),
  };
}

function normalizeService(s: ParsedService, abs: (p: string) => string): Service {
  const src = s.sources;
  const inventory = src.inventory && 'file' in src.inventory ? { ...src.inventory, file: abs(src.inventory.file) } : src.inventory;
  return {
    ...s,
    baseline: s.baseline ? abs(s.baseline) : undefined,
    sources: {
      ...src,
      safetyLogs: src.safetyLogs && {
        ...src.safetyLogs,
        files: (Array.isArray(src.safetyLogs.files) ? src.safetyLogs.files : [src.safetyLogs.files]).map(abs),
      },
      inventory,
      complaints: src.complaints && { ...src.complaints, file: abs(src.complaints.file) },
      keywordLibrary: src.keywordLibrary && { file: abs(src.keywordLibrary.file) },
      questionBanks: src.questionBanks && { refuse: abs(src.questionBanks.refuse), answer: abs(src.questionBanks.answer) },
    },
  };
}

export function findCheck(config: Config, id: string): Check | undefined {
  return config.checks.find((c) => c.id === id);
}

export function findService(config: Config, id: string): Service | undefined {
  return config.services.find((s) => s.id === id);
}
