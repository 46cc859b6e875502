import type { DateTime } from 'luxon';
import type { Config } from '../config/normalize.js';
import { calendarFor, calendarWarningText } from './workdays.js';

export interface ConfigWarning {
  code: string;
  message: { 'zh-CN': string; en: string };
  data: Record<string, unknown>;
}

/** A Spring Festival block (9 days) plus weekends: the most calendar days a holiday adds. */
const LONGEST_BLOCK_DAYS = 14;

/**
 * Years without holiday data that the deadlines Dossier computes from today can reach: this
 * year, and the next one once the longest working-day limit in config (change filings, complaint
 * responses) can run into it. In early December with a 15-working-day limit that is next year,
 * which is exactly when its notice should be entered.
 */
export function calendarHorizonWarnings(config: Config, now: DateTime): ConfigWarning[] {
  const limits = config.checks.map((c) =>
    c.type === 'feature-changes' ? c.changeFilingWorkingDays : c.type === 'complaint-sla' ? c.slaWorkingDays : 0,
  );
  const workingDays = Math.max(15, ...limits);
  const today = now.setZone(config.timezone);
  const horizon = today.plus({ days: Math.ceil((workingDays * 7) / 5) + LONGEST_BLOCK_DAYS });
  const calendar = calendarFor(config);
  return calendar.warningsFor(today, horizon).map((w) => ({
    code: `calendar-${w.kind}`,
    message: { 'zh-CN': calendarWarningText('zh-CN', w), en: calendarWarningText('en', w) },
    data: { ...w },
  }));
}
