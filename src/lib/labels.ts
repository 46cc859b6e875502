import { say, type Locale } from './i18n.js';

/**
 * Human words for machine states, in both locales: one table for emails, the review package
 * and the CLI, so a status reads the same wherever a person meets it.
 */
const STATES: Record<string, [string, string]> = {
  pass: ['通过', 'pass'],
  warn: ['警告', 'warn'],
  fail: ['不合格', 'fail'],
  inconclusive: ['无法判定', 'inconclusive'],
  error: ['出错', 'error'],
  'never-run': ['尚未运行', 'never run'],
  present: ['齐备', 'present'],
  missing: ['缺失', 'missing'],
  upcoming: ['未到期', 'not yet due'],
  future: ['未到期', 'not yet due'],
  open: ['未处理', 'open'],
  acknowledged: ['已确认', 'acknowledged'],
  resolved: ['已解决', 'resolved'],
  pending: ['待发送', 'pending'],
  sent: ['已发送', 'sent'],
  failed: ['发送失败', 'failed'],
  muted: ['已静音', 'muted'],
};

export function stateLabel(locale: Locale, state: string): string {
  const pair = STATES[state];
  return pair ? say(locale, ...pair) : state;
}
