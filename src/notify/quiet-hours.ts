import { DateTime } from 'luxon';

/**
 * When a non-urgent email may go out: `now` itself outside quiet hours, else the end of the
 * current quiet period. Hours are local to `zone`; a period may wrap midnight (22:00–08:00).
 * Equal start and end mean no quiet hours.
 */
export function quietUntil(now: DateTime, zone: string, quiet: { start: string; end: string } | undefined): DateTime | undefined {
  if (!quiet || quiet.start === quiet.end) return undefined;
  const local = now.setZone(zone);
  const at = (hhmm: string, day: DateTime) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return day.startOf('day').set({ hour: h, minute: m });
  };
  const minutes = local.hour * 60 + local.minute;
  const toMin = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return h * 60 + m;
  };
  const start = toMin(quiet.start);
  const end = toMin(quiet.end);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return undefined;
  // Ends today if the end is still ahead today, otherwise tomorrow.
  const todayEnd = at(quiet.end, local);
  return todayEnd > local ? todayEnd : at(quiet.end, local.plus({ days: 1 }));
}
