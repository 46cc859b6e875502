import { say, type Locale } from '../lib/i18n.js';
import type { Change } from './diff.js';
import type { Feature, Inventory, ScopeDimension } from './schema.js';

/**
 * Human texts of feature-changes (zh-CN and en, glossary of domain.md): a short title per change
 * (it becomes the case title, fixed when the case opens) and the finding message, which says what
 * changed, since when, the deadline, and what is due.
 */

const DIMENSION: Record<ScopeDimension, [string, string]> = {
  audiences: ['服务对象', 'audience'],
  regions: ['服务地区', 'region'],
  channels: ['服务渠道', 'channel'],
};

export function changeTitle(locale: Locale, c: Change): string {
  const before = c.before as Feature | undefined;
  const after = c.after as Feature | undefined;
  switch (c.code) {
    case 'feature-added':
      return say(locale, `新增功能「${after!.name}」(${after!.id})`, `Feature added: ${after!.name} (${after!.id})`);
    case 'feature-removed':
      return say(locale, `下线功能「${before!.name}」(${before!.id})`, `Feature removed: ${before!.name} (${before!.id})`);
    case 'feature-changed':
      return before!.name !== after!.name
        ? say(locale, `功能变更「${before!.name}」→「${after!.name}」(${after!.id})`, `Feature changed: ${before!.name} → ${after!.name} (${after!.id})`)
        : say(locale, `功能「${after!.name}」(${after!.id}) 的说明或适用对象已变更`, `Feature ${after!.name} (${after!.id}): description or audiences changed`);
    case 'model-changed': {
      const m = (x: unknown) => {
        const model = x as Inventory['model'];
        return `${model.name} ${model.version}${model.base ? ` (${model.base})` : ''}`;
      };
      return say(locale, `模型变更：${m(c.before)} → ${m(c.after)}`, `Model changed: ${m(c.before)} → ${m(c.after)}`);
    }
    case 'scope-expanded': {
      const { dimension, value } = c.after as { dimension: ScopeDimension; value: string };
      const [zh, en] = DIMENSION[dimension];
      return say(locale, `服务范围扩大：新增${zh} ${value}`, `Scope expanded: new ${en} ${value}`);
    }
  }
}

export interface CaseTiming {
  firstSeen: string;
  deadline: string;
  workingDays: number;
  /** Working days from the run's day to the deadline (0 on the deadline day). */
  workingDaysLeft: number;
  overdue: boolean;
  /** Calendar days past the deadline. */
  daysOverdue: number;
  acknowledgedBy?: string;
}

export function changeMessage(locale: Locale, title: string, t: CaseTiming, securityAssessment: boolean): string {
  const due = t.overdue
    ? say(
        locale,
        `变更备案期限 ${t.deadline} 已过（逾期 ${t.daysOverdue} 天），请立即办理变更备案`,
        `the change filing was due by ${t.deadline} (${t.daysOverdue} days overdue); file it now`,
      )
    : t.workingDaysLeft === 0
      ? say(locale, `今天（${t.deadline}）是办理变更备案的最后期限`, `today (${t.deadline}) is the last day to file the change`)
      : say(
          locale,
          `须在 ${t.deadline} 前办理变更备案（${t.workingDays} 个工作日，剩余 ${t.workingDaysLeft} 个工作日）`,
          `a change filing is due by ${t.deadline} (${t.workingDays} working days; ${t.workingDaysLeft} left)`,
        );
  const security = securityAssessment
    ? say(locale, '；该变更面向公众，上线前还须完成安全评估', '; it reaches the general public, so a security assessment is due before launch')
    : '';
  const ack = t.acknowledgedBy ? say(locale, `（${t.acknowledgedBy} 已确认）`, ` (acknowledged by ${t.acknowledgedBy})`) : '';
  return say(locale, `${title}：未报备，自 ${t.firstSeen} 起发现；${due}${security}${ack}`, `${title}: not reported, first seen ${t.firstSeen}; ${due}${security}${ack}`);
}

export function revertedMessage(locale: Locale, title: string, firstSeen: string): string {
  return say(locale, `${title}：已恢复为备案状态，自 ${firstSeen} 起的案件自动关闭`, `${title}: back to the filed state; the case open since ${firstSeen} is closed`);
}

export function narrowedMessage(locale: Locale, dimension: ScopeDimension, value: string): string {
  const [zh, en] = DIMENSION[dimension];
  return say(
    locale,
    `服务范围缩小：已备案的${zh} ${value} 不再提供；如为长期调整，请在下次变更备案时一并更新`,
    `Scope narrowed: the filed ${en} ${value} is no longer offered; include it in the next change filing if it is permanent`,
  );
}

export function summaryText(locale: Locale, s: { features: number; open: number; opened: number; overdue: number; nextDeadline?: string }): string {
  if (s.open === 0) return say(locale, `与备案基线一致（${s.features} 项功能）`, `Matches the filed baseline (${s.features} features)`);
  return say(
    locale,
    `${s.open} 项变更未报备（本次新发现 ${s.opened} 项，逾期 ${s.overdue} 项）${s.nextDeadline ? `，最近截止 ${s.nextDeadline}` : ''}`,
    `${s.open} unreported change${s.open === 1 ? '' : 's'} (${s.opened} new, ${s.overdue} overdue)${s.nextDeadline ? `; next deadline ${s.nextDeadline}` : ''}`,
  );
}
