import { describe, expect, it } from 'vitest';
import { safetyLogSections } from '../../../../src/archive/export/gather-sections.js';
import type { CheckRuns, FinalRun } from '../../../../src/archive/export/model.js';
import { windowOf } from '../../../../src/archive/export/window.js';
import type { Result } from '../../../../src/lib/result.js';
import { minimalConfig } from '../../../helpers/minimal-config.js';

const ZONE = 'Asia/Shanghai';

function run(seq: number, period: string, metrics: Record<string, unknown>): FinalRun {
  const result = { runId: `r${seq}`, check: 'c', type: 't', service: 's', period: { key: period, start: '', end: '' }, status: 'pass', summary: '', metrics, findings: [], evidence: [] };
  return { seq, result: result as unknown as Result, attempts: 1 };
}

describe('safety-log categories', () => {
  it('ties are ordered by UTF-16 code units, not by the ICU collation of the Node build', () => {
    const config = minimalConfig(`  - { id: s-logs, type: safety-logs, service: s, cron: "0 2 1 * *" }`);
    const byCategory = { alpha: { total: 5, blocked: 1 }, Zeta: { total: 5, blocked: 1 }, 'é-accent': { total: 5, blocked: 1 }, e: { total: 5, blocked: 1 } };
    const check: CheckRuns = { id: 's-logs', type: 'safety-logs', configured: true, byPeriod: new Map([['2026-10', run(1, '2026-10', { total: 20, blocked: 4, byCategory })]]), following: new Map() };
    const [section] = safetyLogSections(config, [check], windowOf('2026-10', '2026-10', ZONE), new Set(['2026-10']));
    // localeCompare would give alpha, e, é-accent, Zeta.
    expect(section!.categories.map((c) => c.category)).toEqual(['Zeta', 'alpha', 'e', 'é-accent']);
  });
});
