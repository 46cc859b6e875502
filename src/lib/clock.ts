import { DateTime } from 'luxon';

/**
 * Time is injected everywhere (style habit 6). Handlers never ask "what time is it": they get the
 * scheduled instant; the clock is for timestamps of what happens now (startedAt, sentAt).
 */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = {
  now: () => DateTime.now(),
};

/**
 * A clock that stands still until moved; for tests and benchmarks. (`run --at` does not use it: it passes the
 * instant as the run's scheduled time, while the clock keeps stamping real start and end times.)
 */
export class FixedClock implements Clock {
  private current: DateTime;
  constructor(at: DateTime | string) {
    this.current = typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : at;
    if (!this.current.isValid) throw new Error(`FixedClock: invalid instant ${String(at)}`);
  }
  now(): DateTime {
    return this.current;
  }
  set(at: DateTime): void {
    this.current = at;
  }
  advance(duration: Parameters<DateTime['plus']>[0]): void {
    this.current = this.current.plus(duration);
  }
}
