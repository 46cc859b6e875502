import type { Check, Service } from '../config/normalize.js';
import type { Finding, Result } from '../lib/result.js';
import type { NotificationRequest } from './request.js';

interface CaseData {
  title?: string;
  state?: string;
  new?: boolean;
  overdue?: boolean;
  firstSeen?: string;
  deadline?: string;
}

/**
 * The emails a recorded run calls for, besides those a check asks for itself (pre-review):
 * a case that is open (at once, to `notify`; once per case), a case that went past its deadline (once, with
 * `escalate` copied), and a run that is not OK without any case to carry it (a threshold breach,
 * a stale library, a broken source), once per (check, period, status). Keys make every one of
 * them idempotent: re-runs, retries and catch-ups ask again and nothing is sent twice.
 */
export function alertsFor(check: Check, service: Service, result: Result): NotificationRequest[] {
  if (result.status === 'error' || check.notify.length === 0) return [];
  // pre-review sends its own reminders; only a pre-review that could not run needs this alert.
  if (check.type === 'pre-review' && result.status !== 'inconclusive') return [];
  const out: NotificationRequest[] = [];
  const base = { checkId: check.id, checkType: check.type, serviceId: service.id, serviceName: service.name, filingNumber: service.filing.number };

  for (const f of result.findings) {
    const c = caseOf(f);
    if (!f.caseId || !c) continue;
    const mail = {
      ...base,
      caseId: f.caseId,
      code: f.code,
      message: c.title ?? f.message,
      firstSeen: c.firstSeen,
      deadline: c.deadline ?? f.deadline,
      actions: Array.isArray(f.data?.actions) ? (f.data.actions as string[]) : [],
    };
    // Asked on every run while the case is open, not only by the run that opened it: if that
    // attempt failed after recording the case, the retry still sends it. The key keeps it to one.
    if (c.state !== 'resolved') out.push({ key: `case:${f.caseId}:opened`, to: check.notify, content: { template: 'case', data: { ...mail, kind: 'opened', escalated: false } } });
    if (c.overdue) {
      out.push({
        key: `case:${f.caseId}:overdue`,
        to: check.notify,
        ...(check.escalate.length ? { cc: check.escalate } : {}),
        content: { template: 'case', data: { ...mail, kind: 'overdue', escalated: check.escalate.length > 0 } },
      });
    }
  }

  const uncased = result.findings.filter((f) => !f.caseId && f.severity !== 'info');
  if (result.status !== 'pass' && uncased.length) {
    out.push({
      key: `result:${check.id}:${result.period.key}:${result.status}`,
      to: check.notify,
      // A collector that cannot run is an ops emergency: it goes out even in quiet hours.
      urgent: result.status === 'inconclusive',
      content: {
        template: 'check-result',
        data: {
          checkId: check.id,
          checkType: check.type,
          serviceName: service.name,
          period: result.period.key,
          status: result.status,
          summary: result.summary,
          findings: uncased.map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
          runId: result.runId,
          evidence: result.evidence.map((e) => e.path),
        },
      },
    });
  }
  return out;
}

function caseOf(f: Finding): CaseData | undefined {
  const c = f.data?.case;
  return c && typeof c === 'object' ? (c as CaseData) : undefined;
}
