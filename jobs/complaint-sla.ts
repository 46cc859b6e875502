import { calendarFor } from '../src/calendar/workdays.js';
import { complaintTitle, keptMessage, lateMessage, malformedMessage, slaSummary, unansweredMessage } from '../src/complaints/messages.js';
import { DEFAULT_FIELDS, readComplaints } from '../src/complaints/read.js';
import { judgeComplaints, windowMetrics, type Judged } from '../src/complaints/sla.js';
import { PermanentError } from '../src/lib/errors.js';
import { say } from '../src/lib/i18n.js';
import { maskValue } from '../src/lib/mask.js';
import { worstStatus, type Finding, type Status } from '../src/lib/result.js';
import type { CheckHandler } from './types.js';

/**
 * complaint-sla (spec 4.5): complaints against the published response limit (`slaWorkingDays`,
 * default 15 working days, 生成式人工智能服务管理暂行办法 Art. 15; benchmark from
 * App违法违规收集使用个人信息行为认定方法).
 *
 * The run is about its scheduled day, as of its scheduled instant:
 *  - cases: every complaint still unanswered at that instant that has used `warnRatio` (70%) of
 *    its limit (warn) or passed its deadline (fail), whenever it was received; a case closes
 *    when the complaint is answered;
 *  - metrics: the complaints received in the month of the scheduled day up to that instant
 *    (month to date: what ops watch during the month), and those of the previous calendar month
 *    as known at that instant (the complete month, for the monthly record). Answers given this
 *    month after the limit are breaches (warn), whatever month the complaint came in.
 * A ledger with rows that cannot be read still counts the others, but closes no case it cannot
 * vouch for: a case whose complaint vanished from the file, or whose row is the broken one,
 * stays open (finding `cases-kept-open`) until the file is whole again.
 * Evidence: summary.json and complaints.jsonl, the rows those numbers come from (received since
 * the start of the previous month, plus every one still open), with phone numbers, ID numbers
 * and emails masked outside the mapped fields.
 */
/** Open complaint cases one check keeps at most (see `watched` below). */
export const MAX_OPEN_CASES = 200;

export const complaintSla: CheckHandler<'complaint-sla'> = {
  type: 'complaint-sla',
  async run({ check, service, period, scheduledAt }, ctx) {
    const { locale, timezone: zone } = ctx.config;
    const calendar = calendarFor(ctx.config, ctx.logger);
    const source = service.sources.complaints;
    if (!source) throw new PermanentError(`service ${service.id} has no complaint ledger; set services[${service.id}].sources.complaints`);
    const ledger = await readComplaints(source, zone);
    if (ledger.rows > 0 && ledger.complaints.length === 0) {
      throw new PermanentError(`none of the ${ledger.rows} rows of the complaint ledger ${source.file} could be read (${ledger.samples.slice(0, 3).join('; ')}); check its format and sources.complaints.fields`);
    }

    const asOf = scheduledAt.setZone(zone);
    const limit = check.slaWorkingDays;
    const judged = judgeComplaints(ledger.complaints, { calendar, asOf, slaWorkingDays: limit, warnRatio: check.warnRatio });
    const monthStart = asOf.startOf('month');
    const monthToDate = windowMetrics(judged, monthStart, asOf.plus({ milliseconds: 1 }));
    const previousMonth = windowMetrics(judged, monthStart.minus({ months: 1 }), monthStart);

    const withCase = new Set((await ctx.cases.list({ open: true })).map((c) => String(c.key.complaint)));
    const byId = new Map(judged.map((j) => [j.complaint.id, j]));
    // Complaints that already have a case stay watched; new ones get a case oldest deadline
    // first, up to a cap, so a ledger whose answers are mapped wrong (every row "open") reports
    // one aggregate finding instead of writing thousands of case rows.
    const due = judged.filter((j) => j.open && (j.near || j.overdue || withCase.has(j.complaint.id)));
    const known = due.filter((j) => withCase.has(j.complaint.id));
    const fresh = due.filter((j) => !withCase.has(j.complaint.id)).sort((a, b) => a.deadline.localeCompare(b.deadline) || a.complaint.id.localeCompare(b.complaint.id));
    const room = Math.max(0, MAX_OPEN_CASES - known.length);
    const watched = [...known, ...fresh.slice(0, room)].sort((a, b) => a.complaint.line - b.complaint.line);
    const uncased = fresh.slice(room);
    const facts = (j: Judged) => ({ id: j.complaint.id, channel: j.complaint.channel, category: j.complaint.category, received: j.complaint.receivedAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm') });
    const observed = await ctx.cases.observe(
      watched.map((j) => ({
        key: { complaint: j.complaint.id },
        code: 'complaint-unanswered',
        title: complaintTitle(locale, facts(j)),
        // Only what stays true while the case is open: the working days used change every day
        // and belong to the finding, not to the case (an `updated` row a day per case otherwise).
        data: { complaint: { ...facts(j), receivedAt: j.complaint.receivedAt.toISO() }, slaWorkingDays: limit },
        actions: ['respond'],
        deadline: j.deadline,
        deadlineRule: { workingDays: limit, from: j.receivedDate },
      })),
      {
        resolveMissing: (c) => {
          const id = String(c.key.complaint);
          // A row that could not be read may be this complaint's latest state: leave its case alone.
          if (ledger.malformedIds.has(id)) return undefined;
          if (byId.has(id)) return { reason: 'answered' };
          // Gone from the file, or in a row that could not be read (without a readable id): a
          // broken ledger never closes a case.
          if (ledger.malformed > 0) return undefined;
          return { reason: 'disappeared', note: 'the complaint is no longer in the ledger file' };
        },
      },
    );

    const findings: Finding[] = [];
    const statuses: Status[] = ['pass'];
    watched.forEach((j, i) => {
      const c = observed.cases[i]!;
      statuses.push(c.overdue ? 'fail' : 'warn');
      const daysOverdue = c.overdue ? Math.round((Date.parse(period.key) - Date.parse(c.deadline)) / 86_400_000) : 0;
      findings.push({
        code: c.overdue ? 'complaint-overdue' : 'complaint-near-deadline',
        severity: c.overdue ? 'fail' : 'warn',
        message: unansweredMessage(locale, c.title, { deadline: c.deadline, used: j.elapsedWorkingDays ?? 0, limit: c.deadlineRule?.workingDays ?? limit, overdue: c.overdue, daysOverdue, acknowledgedBy: c.state === 'acknowledged' ? c.acks.at(-1)?.by : undefined }),
        caseId: c.caseId,
        deadline: c.deadline,
        data: { complaint: c.data.complaint, elapsedWorkingDays: j.elapsedWorkingDays, actions: c.actions, case: { title: c.title, new: c.isNew, state: c.state, firstSeen: c.firstSeen, deadline: c.deadline, overdue: c.overdue } },
      });
    });
    for (const r of observed.resolved) {
      const reason = r.resolution?.reason ?? 'resolved';
      findings.push({ code: 'case-resolved', severity: 'info', caseId: r.caseId, message: say(locale, `${r.title}：${reason === 'answered' ? '已答复' : '已不在台账中'}，案件关闭`, `${r.title}: ${reason === 'answered' ? 'answered' : 'no longer in the ledger'}; case closed`), data: { reason } });
    }
    if (uncased.length) {
      const overdue = uncased.filter((j) => j.overdue).length;
      statuses.push(overdue ? 'fail' : 'warn');
      findings.push({
        code: 'complaints-without-case',
        severity: overdue ? 'fail' : 'warn',
        message: say(
          locale,
          `另有 ${uncased.length} 件未答复投诉临近或超过期限（其中逾期 ${overdue} 件），超出单项检查最多 ${MAX_OPEN_CASES} 个案件的上限，未逐一建案；请核对台账的字段映射（sources.complaints.fields）并尽快处理`,
          `${uncased.length} more unanswered complaints are near or past their limit (${overdue} overdue), beyond the ${MAX_OPEN_CASES} open cases one check keeps; check the ledger's field mapping (sources.complaints.fields) and handle them`,
        ),
        data: { count: uncased.length, overdue, ids: uncased.slice(0, 20).map((j) => j.complaint.id) },
      });
    }
    // Answers given this month after the limit, whenever the complaint came in (a complaint of
    // last month answered late this week is this month's breach).
    const late = judged.filter((j) => j.onTime === false && j.answeredAt! >= monthStart).map((j) => j.complaint.id);
    if (late.length) {
      statuses.push('warn');
      findings.push({ code: 'late-responses', severity: 'warn', message: lateMessage(locale, late, limit), data: { count: late.length, ids: late.slice(0, 20) } });
    }
    if (ledger.malformed) {
      statuses.push('warn');
      findings.push({
        code: 'malformed-rows',
        severity: 'warn',
        message: malformedMessage(locale, ledger.malformed, ledger.rows, ledger.samples),
        data: { malformed: ledger.malformed, rows: ledger.rows, samples: ledger.samples, keptCases: observed.kept.map((c) => c.caseId) },
      });
    }
    if (observed.kept.length) {
      statuses.push('warn');
      findings.push({
        code: 'cases-kept-open',
        severity: 'warn',
        message: keptMessage(locale, observed.kept.map((c) => String(c.key.complaint))),
        data: { caseIds: observed.kept.map((c) => c.caseId), complaints: observed.kept.map((c) => String(c.key.complaint)) },
      });
    }
    const unknown = [...new Set(judged.filter((j) => j.open).map((j) => j.deadline.slice(0, 4)))].filter((y) => !calendar.info(`${y}-01-01`).known);
    for (const year of unknown) {
      findings.push({ code: 'calendar-estimated', severity: 'info', message: say(locale, `${year} 年没有节假日数据，答复期限按周末估算；请在配置 calendar 中补充`, `${year} has no holiday data: response deadlines in it count weekends only; add it under calendar in config`), data: { year: Number(year) } });
    }

    const open = {
      total: judged.filter((j) => j.open).length,
      near: observed.cases.filter((c) => !c.overdue).length + uncased.filter((j) => !j.overdue).length,
      overdue: observed.cases.filter((c) => c.overdue).length + uncased.filter((j) => j.overdue).length,
    };
    const asOfText = asOf.toFormat('yyyy-MM-dd HH:mm');
    const metrics = {
      asOf: asOf.toISO(),
      slaWorkingDays: limit,
      warnRatio: check.warnRatio,
      monthToDate,
      previousMonth,
      open,
      rows: ledger.rows,
      malformed: ledger.malformed,
      duplicates: ledger.duplicates,
      keptOpen: observed.kept.length,
      ...(observed.readOnly ? { readOnly: true } : {}),
    };

    const keep = new Set(Object.values({ ...DEFAULT_FIELDS, ...source.fields }));
    const since = monthStart.minus({ months: 1 });
    const snapshot = judged
      .filter((j) => j.open || j.complaint.receivedAt >= since)
      .map((j) =>
        JSON.stringify({
          line: j.complaint.line,
          id: j.complaint.id,
          deadline: j.deadline,
          state: j.open ? (j.overdue ? 'overdue' : 'open') : j.onTime ? 'answered-on-time' : 'answered-late',
          responseWorkingDays: j.responseWorkingDays ?? null,
          record: maskValue(j.complaint.raw, keep),
        }),
      );
    await ctx.evidence.writeFile('complaints.jsonl', snapshot.length ? `${snapshot.join('\n')}\n` : '');
    await ctx.evidence.writeJson('summary.json', { check: check.id, service: service.id, day: period.key, file: source.file, ...metrics, findings });

    return { status: worstStatus(statuses), summary: slaSummary(locale, monthToDate, asOfText, open), metrics, findings };
  },
};
