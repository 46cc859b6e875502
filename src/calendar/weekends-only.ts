/**
 * A working-day predicate: true when `dateISO` (YYYY-MM-DD, a calendar day in the configured
 * zone) is a working day. Handlers take it from their context so tests can pin any calendar.
 */
export type IsWorkingDay = (dateISO: string) => boolean;

/**
 * STAND-IN until the CN working-day calendar (src/calendar/workdays.ts, issue 4, 调休-aware)
 * is merged: Monday to Friday are working days, nothing else is known. It is wired in exactly one
 * place (workers/run-check.ts, where the handler context is built); replace it there with the
 * CN calendar built from config.calendar.
 */
export const weekendsOnlyCalendar: IsWorkingDay = (dateISO) => {
  const [y, m, d] = dateISO.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};
