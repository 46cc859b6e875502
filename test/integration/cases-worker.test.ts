import { afterEach, describe, expect, it } from 'vitest';
import { listCases } from '../../src/ledger/cases.js';
import { listResults } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { startWorkerHarness, type WorkerHarness } from '../helpers/check-worker.js';
import { until } from '../helpers/wait.js';

/** The case-opening checks through a real BullMQ worker on the shared Redis (own prefix). */
let harness: WorkerHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('feature-changes and complaint-sla through the worker', () => {
  it('the worker runs both checks for their scheduled day and the cases land in the ledger', async () => {
    harness = await startWorkerHarness([
      { id: 'fc', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *' },
      { id: 'cs', type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *' },
    ]);
    const { env, queue } = harness;

    // Picked up "now" (2026 in real time or not), judged for the instants they stand for.
    await queue.add('feature-changes', { checkId: 'fc', scheduledAt: '2026-09-28T09:00:00+08:00', trigger: 'manual' });
    await queue.add('complaint-sla', { checkId: 'cs', scheduledAt: '2026-11-30T08:00:00+08:00', trigger: 'manual' });
    const results = await until('both results', async () => {
      const r = await listResults(env.ledger, {});
      return r.length === 2 ? r : undefined;
    });
    const fc = results.find((r) => r.check === 'fc')!;
    const cs = results.find((r) => r.check === 'cs')!;
    expect(fc).toMatchObject({ status: 'warn', period: { key: '2026-09-28' } });
    expect(fc.findings.map((f) => f.deadline)).toEqual(['2026-10-16', '2026-10-16']);
    // The sample ledger: C9001 (Mon Nov 2) was due Mon Nov 23 and is still open.
    expect(cs).toMatchObject({ status: 'fail', period: { key: '2026-11-30' } });
    expect(cs.findings.find((f) => f.code === 'complaint-overdue')).toMatchObject({ deadline: '2026-11-23' });

    const cases = await listCases(env.ledger, { open: true });
    expect(cases.map((c) => [c.check, c.code]).sort()).toEqual([
      ['cs', 'complaint-unanswered'],
      ['fc', 'feature-added'],
      ['fc', 'scope-expanded'],
    ]);
    expect((await verifyChain(env.ledger)).problems).toEqual([]);
  });
});
