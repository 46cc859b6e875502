import { calendarFor } from '../../calendar/workdays.js';
import { caseHistory, findCase, listCases, type CaseRecord } from '../../ledger/cases.js';
import { say, type Locale } from '../../lib/i18n.js';
import { stateLabel } from '../../lib/labels.js';
import { configOption, jsonOption, readConfig, table, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';

interface CasesOptions extends CommonOptions {
  open?: boolean;
  service?: string;
  check?: string;
}

/** How a resolved case was closed; its state word comes from the shared table. */
const REASON_ZH: Record<string, string> = { reverted: '已撤回', 'baseline-accepted': '已完成变更备案' };

/**
 * `dossier cases [id]`: cases with their state and deadline, or one case with its history.
 * "Left" and "overdue" are counted from today in the configured zone, on the working-day calendar.
 */
export const registerCases: CommandRegistrar = (program, ctx) => {
  program
    .command('cases')
    .description('list cases (findings that need someone to act); with an id, show one case and its history')
    .argument('[case]', 'case id (or a unique prefix) to show in detail')
    .option('--open', 'only open and acknowledged cases')
    .option('--service <id>', 'only this service')
    .option('--check <id>', 'only this check')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (id: string | undefined, opts: CasesOptions) => {
      const config = readConfig(opts);
      const l = config.locale;
      const calendar = calendarFor(config, ctx.logger);
      const today = calendar.toDate(ctx.clock.now());
      const timing = (c: CaseRecord) => {
        if (c.state === 'resolved') return '';
        if (today > c.deadline) return say(l, `逾期 ${daysBetween(c.deadline, today)} 天`, `${daysBetween(c.deadline, today)} d overdue`);
        return say(l, `剩 ${calendar.workingDaysBetween(today, c.deadline)} 个工作日`, `${calendar.workingDaysBetween(today, c.deadline)} working d left`);
      };

      await withLedger(config, ctx, async (ledger) => {
        if (id) {
          const c = await findCase(ledger, id);
          const history = await caseHistory(ledger, c.caseId);
          if (opts.json) return ctx.out(JSON.stringify({ ...c, history: history.map((h) => ({ seq: h.seq, at: h.at, event: h.event, state: h.record.state, by: h.record.updatedBy })) }, null, 2));
          return ctx.out(detail(l, c, history, timing(c)));
        }
        const cases = await listCases(ledger, { open: opts.open, service: opts.service, check: opts.check });
        if (opts.json) return ctx.out(JSON.stringify(cases, null, 2));
        if (cases.length === 0) return ctx.out(say(l, opts.open ? '没有未解决的案件' : '还没有案件', opts.open ? 'No open cases' : 'No cases yet'));
        ctx.out(
          table([
            [say(l, '案件', 'case'), say(l, '状态', 'state'), say(l, '检查', 'check'), say(l, '事项', 'what'), say(l, '首次发现', 'first seen'), say(l, '截止', 'deadline'), ''],
            ...cases.map((c) => [c.caseId, caseStateLabel(l, c), c.check, c.title, c.firstSeen, c.deadline, timing(c)]),
          ]),
        );
      });
    });
};

/** The shared state word (src/lib/labels.ts, as in emails and the review package), plus how a resolved case was closed. */
function caseStateLabel(l: Locale, c: CaseRecord): string {
  const state = stateLabel(l, c.state);
  if (c.state !== 'resolved') return state;
  const reason = c.resolution?.reason;
  if (!reason || reason === 'resolved') return state;
  return say(l, `${state}（${REASON_ZH[reason] ?? reason}）`, `${state} (${reason})`);
}

function detail(l: Locale, c: CaseRecord, history: Awaited<ReturnType<typeof caseHistory>>, timing: string): string {
  const lines = [
    `${c.caseId}  ${caseStateLabel(l, c)}${timing ? ` · ${timing}` : ''}`,
    `  ${c.title}`,
    `  ${say(l, '检查', 'check')} ${c.check} · ${say(l, '服务', 'service')} ${c.service} · ${say(l, '代码', 'code')} ${c.code}`,
    `  ${say(l, '首次发现', 'first seen')} ${c.firstSeen} · ${say(l, '截止', 'deadline')} ${c.deadline}${c.deadlineRule ? say(l, `（${c.deadlineRule.workingDays} 个工作日）`, ` (${c.deadlineRule.workingDays} working days)`) : ''}`,
  ];
  if (c.actions.length) lines.push(`  ${say(l, '待办', 'due')}: ${c.actions.join(', ')}`);
  for (const a of c.acks) lines.push(`  ${say(l, '确认', 'acknowledged')}: ${a.by} ${a.at}${a.note ? ` — ${a.note}` : ''}`);
  if (c.resolution) {
    const r = c.resolution;
    lines.push(`  ${say(l, '关闭', 'resolved')}: ${r.reason} ${r.at}${r.by ? ` ${r.by}` : ''}${r.ref ? ` ref ${r.ref}` : ''}${r.note ? ` — ${r.note}` : ''}`);
  }
  if (c.previous) lines.push(`  ${say(l, '此前出现', 'earlier occurrence')}: ${c.previous.caseId} (${c.previous.firstSeen} → ${c.previous.resolvedAt ?? '?'}, ${c.previous.reason ?? ''})`);
  lines.push(`  ${say(l, '记录', 'history')}:`);
  for (const h of history) lines.push(`    #${h.seq} ${h.at} ${h.event} (${h.record.updatedBy})`);
  return lines.join('\n');
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
