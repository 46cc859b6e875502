import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWorkday } from 'chinese-days';
import { DateTime } from 'luxon';
import type { Result } from '../../../src/lib/result.js';
import { runCheck } from '../../../workers/run-check.js';
import { baseConfig, testEnv, type TestEnv } from '../../helpers/workspace.js';

/**
 * What the complaint-sla tests share: the complaint row shape, a CSV writer, a workspace with
 * the check, and the independent working-day oracle (the chinese-days package, not Dossier's
 * calendar).
 */

export interface Row {
  id: string;
  receivedAt: string;
  channel: string;
  category: string;
  respondedAt?: string;
  resolvedAt?: string;
  content?: string;
}

const csvCell = (v: string | undefined) => (v === undefined ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export function csv(rows: Row[], extra: string[] = []): string {
  const cols = ['id', 'receivedAt', 'channel', 'category', 'respondedAt', 'resolvedAt', 'content'] as const;
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(',')), ...extra].join('\r\n') + '\r\n';
}

export const CHECK = 'assistant-complaints';

/** A workspace whose complaint ledger is `file` under examples/assistant, with the text given. */
export async function complaintEnv(text: string | Buffer, opts: { file?: string; sla?: number; source?: Record<string, unknown>; timezone?: string } = {}): Promise<TestEnv & { ledgerFile: string }> {
  const written = baseConfig({ timezone: opts.timezone ?? 'Asia/Shanghai', checks: [{ id: CHECK, type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *', slaWorkingDays: opts.sla ?? 15 }] }) as {
    services: Array<{ sources: Record<string, unknown> }>;
  };
  const file = opts.file ?? 'complaints.csv';
  written.services[0]!.sources.complaints = { file: `../examples/assistant/${file}`, ...opts.source };
  const env = await testEnv({ config: written });
  const ledgerFile = join(env.dir, 'examples/assistant', file);
  writeFileSync(ledgerFile, text);
  return Object.assign(env, { ledgerFile });
}

export async function runComplaints(env: TestEnv, at: string): Promise<Result> {
  return (await runCheck(env, { checkId: CHECK, scheduledAt: DateTime.fromISO(at, { setZone: true }), trigger: 'local', attempt: 1, maxAttempts: 1 })).result;
}

// ---- the independent oracle ----
export const day = (iso: string) => iso.slice(0, 10); // every fixture time is +08:00, the configured zone
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** Working days in (from, to]. */
export function wd(from: string, to: string): number {
  let n = 0;
  for (let d = nextDay(from); d <= to; d = nextDay(d)) if (isWorkday(d)) n++;
  return n;
}
/** The n-th working day after `from`. */
export function due(from: string, n: number): string {
  let d = from;
  for (let left = n; left > 0; ) if (isWorkday((d = nextDay(d)))) left--;
  return d;
}
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1]!;
