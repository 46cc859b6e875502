import { describe, expect, it } from 'vitest';
import { alertsFor } from '../../../src/notify/from-result.js';
import type { Result } from '../../../src/lib/result.js';
import { minimalConfig } from '../../helpers/minimal-config.js';

const config = minimalConfig(
  `  - { id: pr, type: pre-review, service: s, cron: "0 9 * * *", notify: [ops] }
  - { id: pf, type: policy-freshness, service: s, cron: "0 9 * * *", notify: [ops], escalate: [ops] }
  - { id: quiet, type: policy-freshness, service: s, cron: "0 9 * * *" }`,
  'contacts: { ops: [ops@example.com] }',
);
const check = (id: string) => config.checks.find((c) => c.id === id)!;
const result = (over: Partial<Result>): Result => ({
  runId: 'r1', check: 'pf', type: 'policy-freshness', service: 's', period: { key: '2026-11-30', start: '', end: '' },
  scheduledAt: '', startedAt: '', finishedAt: '', attempt: 1, status: 'pass', summary: 's', metrics: {}, findings: [], evidence: [], ...over,
});
const keys = (id: string, r: Partial<Result>) => alertsFor(check(id), config.services[0]!, result(r)).map((n) => n.key);
const failing = [{ code: 'x', severity: 'fail' as const, message: 'm' }];

describe('alerts derived from a Result', () => {
  it('a not-OK run without cases: once per check, period and status', () => {
    expect(keys('pf', { status: 'fail', findings: failing })).toEqual(['result:pf:2026-11-30:fail']);
    expect(keys('pf', { status: 'pass', findings: [{ code: 'i', severity: 'info', message: 'm' }] })).toEqual([]);
    expect(keys('pf', { status: 'error', findings: failing })).toEqual([]); // a retry follows
    expect(keys('quiet', { status: 'fail', findings: failing })).toEqual([]); // nobody to tell
  });

  it('pre-review mails its own reminders, but a pre-review that could not run is reported', () => {
    expect(keys('pr', { check: 'pr', status: 'fail', findings: failing })).toEqual([]);
    expect(keys('pr', { check: 'pr', status: 'inconclusive', findings: failing })).toEqual(['result:pr:2026-11-30:inconclusive']);
  });

  it('open cases ask for their opened email on every run; overdue ones once more, escalated', () => {
    const c = (id: string, state: string, overdue = false) => ({ code: 'feature-added', severity: 'warn' as const, message: 'm', caseId: id, data: { case: { state, overdue, title: 't' } } });
    const alerts = alertsFor(check('pf'), config.services[0]!, result({ status: 'fail', findings: [c('a', 'open'), c('b', 'acknowledged', true), c('z', 'resolved')] }));
    expect(alerts.map((n) => [n.key, n.cc ?? []])).toEqual([
      ['case:a:opened', []],
      ['case:b:opened', []],
      ['case:b:overdue', ['ops']],
    ]);
  });
});
