import { say, type Locale } from '../../lib/i18n.js';

/** Human words for machine states, in both locales. */
const STATUS: Record<string, [string, string]> = {
  pass: ['通过', 'pass'],
  warn: ['警告', 'warn'],
  fail: ['不合格', 'fail'],
  inconclusive: ['无法判定', 'inconclusive'],
  error: ['出错', 'error'],
  'never-run': ['尚未运行', 'never run'],
  present: ['齐备', 'present'],
  missing: ['缺失', 'missing'],
  upcoming: ['未到期', 'not yet due'],
  sent: ['已发送', 'sent'],
  failed: ['发送失败', 'failed'],
  pending: ['待发送', 'pending'],
  muted: ['已静音', 'muted'],
  open: ['未处理', 'open'],
  acknowledged: ['已确认', 'acknowledged'],
  resolved: ['已解决', 'resolved'],
};

export function label(locale: Locale, state: string): string {
  const pair = STATUS[state];
  return pair ? say(locale, ...pair) : state;
}

/** The tone a state is shown in (matches html.ts badges). */
export function tone(state: string): string {
  return state === 'error' ? 'fail' : state;
}
