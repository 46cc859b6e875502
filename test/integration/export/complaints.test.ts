import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPackage } from '../../../src/archive/export/export.js';
import { gatherPackage } from '../../../src/archive/export/gather.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { ZONE, exportConfig, runAt } from '../../helpers/export-fixture.js';
import { testEnv, type TestEnv } from '../../helpers/workspace.js';
import { entryText } from '../../helpers/zip.js';

/**
 * The complaint table from the real complaint-sla handler. Expected figures are worked out by
 * hand from the ledger below (CN calendar 2026: Dragon Boat 19–21 June off, no make-up day):
 *  June, as of the run on 1 July 08:00: J1 answered in 1 working day, J2 in 3, J3 in 18 (late,
 *    the limit is 15), J4 received 29 June still open (2 days used, not decided): received 4,
 *    answered 3, open 1, late 1, overdue 0, within limit 2/3, median 3, p95 18 (nearest rank).
 *    The run of 15 June saw only J1–J3, J3 not yet answered: that is not June's figure.
 *  July, as of 1 August 08:00: K1 in 2, K2 in 1: received 2, answered 2, 100%, median 1.5, p95 2.
 *  August, no run of September yet: the last August run (12 August 08:00) as month to date:
 *    L1 in 1, L2 open: received 2, answered 1, open 1, 100%, median 1, p95 1. Partial.
 */
const CSV = `id,receivedAt,channel,category,respondedAt,resolvedAt
J1,2026-06-01T10:00:00+08:00,web,账号,2026-06-02T10:00:00+08:00,
J2,2026-06-02T10:00:00+08:00,app,隐私,2026-06-05T10:00:00+08:00,
J3,2026-06-01T11:00:00+08:00,web,违规内容,2026-06-26T10:00:00+08:00,
J4,2026-06-29T10:00:00+08:00,web,账号,2026-07-02T10:00:00+08:00,
K1,2026-07-06T10:00:00+08:00,app,账号,2026-07-08T10:00:00+08:00,
K2,2026-07-20T10:00:00+08:00,web,隐私,,2026-07-21T10:00:00+08:00
L1,2026-08-03T10:00:00+08:00,web,账号,2026-08-04T10:00:00+08:00,
L2,2026-08-10T10:00:00+08:00,app,隐私,,
`;

let env: TestEnv;
let dir: string;

beforeAll(async () => {
  env = await testEnv({ config: exportConfig(), at: '2026-06-01T00:00:00+08:00' });
  dir = mkdtempSync(join(tmpdir(), 'dossier-export-complaints-'));
  writeFileSync(join(env.dir, 'examples/assistant/complaints.csv'), CSV);
  for (const at of ['2026-06-15', '2026-07-01', '2026-07-15', '2026-08-01', '2026-08-12']) await runAt(env, 'assistant-complaints', `${at}T08:00:00+08:00`);
});
afterAll(async () => env?.close());

/** The figures of one month's row: received … p95, and where they come from. */
function row(html: string, month: string): { source: string | undefined; figures: string[]; text: string } {
  const tr = html.split('\n').find((l) => l.includes(`data-month="${month}"`) && l.includes('<td class="num">') && /data-source/.test(l)) ?? '';
  const cells = [...tr.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
  return { source: /data-source="(\w+)"/.exec(tr)?.[1], figures: cells.slice(1), text: tr };
}

const exportWindow = async (from: string, to: string, name: string) => {
  const out = join(dir, name);
  const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf(from, to, ZONE), locale: 'en', out });
  expect(s.problems).toEqual([]);
  return entryText(out, 'index.html');
};

describe('complaint handling in the review package', () => {
  it('shows each month complete from the previous-month figures of the first run of the next month', async () => {
    const html = await exportWindow('2026-06', '2026-08', 'complaints.zip');
    // received, answered, unanswered, late, overdue, within limit, median, p95
    expect(row(html, '2026-06')).toMatchObject({ source: 'complete', figures: ['4', '3', '1', '1', '0', '66.7%', '3', '18'] });
    expect(row(html, '2026-06').text).toContain('complete month: from the check of 2026-07-01 (as of 2026-07-01 08:00)');
    expect(row(html, '2026-07')).toMatchObject({ source: 'complete', figures: ['2', '2', '0', '0', '0', '100.0%', '1.5', '2'] });
  });

  it('shows a month whose next month has no run yet as its month to date, marked partial', async () => {
    const html = await exportWindow('2026-06', '2026-08', 'complaints-partial.zip');
    expect(row(html, '2026-08')).toMatchObject({ source: 'partial', figures: ['2', '1', '1', '0', '0', '100.0%', '1', '1'] });
    expect(row(html, '2026-08').text).toContain('partial: the month up to 2026-08-12 08:00');
  });

  it('takes the last month of the window complete from a run after the window', async () => {
    const html = await exportWindow('2026-06', '2026-07', 'complaints-june-july.zip');
    expect(row(html, '2026-07')).toMatchObject({ source: 'complete', figures: ['2', '2', '0', '0', '0', '100.0%', '1.5', '2'] });
    const data = await gatherPackage(env.ledger, env.config, env.config.services[0]!, windowOf('2026-06', '2026-07', ZONE), 'en');
    // The run of 1 August is read for the figure; its evidence is not part of this window.
    expect(data.evidence.some((e) => e.path.includes('/2026-08-01/'))).toBe(false);
  });
});
