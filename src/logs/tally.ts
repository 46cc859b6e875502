import type { Period } from '../calendar/period.js';

/**
 * The counts of one collection: what `safety-logs` reports (spec 4.1). Plain numbers and arrays
 * so that partial tallies (one per file, or per worker thread) can be merged and sent between
 * threads as they are; merging in file order gives exactly the single-threaded result.
 */

export const PASS = 0;
export const BLOCK = 1;
export const REVIEW = 2;
export type VerdictCode = typeof PASS | typeof BLOCK | typeof REVIEW;

export const MAX_SAMPLES = 20;
/**
 * Distinct categories kept; any further ones are counted under OTHER_CATEGORY. A free-text
 * category field must not make memory grow with the size of the month.
 */
export const MAX_CATEGORIES = 500;
export const OTHER_CATEGORY = '(other)';

/** The period as epoch milliseconds, with the start of each local day for `byDay`. */
export interface PeriodWindow {
  startMs: number;
  endMs: number;
  /** Start of each local day of the period, plus the period's end; DST days are 23 or 25 hours. */
  dayStarts: number[];
  dayKeys: string[];
}

export function periodWindow(period: Period): PeriodWindow {
  const dayStarts: number[] = [];
  const dayKeys: string[] = [];
  for (let d = period.start; d < period.end; d = d.plus({ days: 1 })) {
    dayStarts.push(d.toMillis());
    dayKeys.push(d.toFormat('yyyy-MM-dd'));
  }
  dayStarts.push(period.end.toMillis());
  return { startMs: period.start.toMillis(), endMs: period.end.toMillis(), dayStarts, dayKeys };
}

/** Index of the local day holding `ms` (which must lie inside the window). */
export function dayIndex(w: PeriodWindow, ms: number): number {
  // A guess from 24-hour days is off by at most one around a DST change.
  let i = Math.min(Math.floor((ms - w.startMs) / 86_400_000), w.dayKeys.length - 1);
  while (i > 0 && ms < w.dayStarts[i]!) i--;
  while (ms >= w.dayStarts[i + 1]!) i++;
  return i;
}

export interface TallyData {
  /** Non-blank data lines read (CSV header excluded). */
  lines: number;
  total: number;
  passed: number;
  blocked: number;
  reviewed: number;
  malformed: number;
  /** Events read whose timestamp lies outside the period. */
  outside: number;
  dayTotal: number[];
  dayBlocked: number[];
  /** [category, total, blocked] in first-seen order. */
  categories: Array<[string, number, number]>;
  categoriesCapped: boolean;
  samples: MalformedSample[];
}

/** One malformed line kept as evidence; `reason` never quotes unmasked content. */
export interface MalformedSample {
  file: string;
  line: number;
  reason: string;
}

export function formatSample(s: MalformedSample): string {
  return `${s.file}:${s.line}: ${s.reason}`;
}

export class Tally {
  lines = 0;
  total = 0;
  passed = 0;
  blocked = 0;
  reviewed = 0;
  malformed = 0;
  outside = 0;
  readonly dayTotal: number[];
  readonly dayBlocked: number[];
  private readonly categories = new Map<string, [number, number]>();
  private categoriesCapped = false;
  readonly samples: MalformedSample[] = [];

  constructor(readonly days: number) {
    this.dayTotal = new Array<number>(days).fill(0);
    this.dayBlocked = new Array<number>(days).fill(0);
  }

  event(day: number, verdict: VerdictCode, category: string | undefined): void {
    this.total++;
    this.dayTotal[day]!++;
    const blocked = verdict === BLOCK;
    if (blocked) {
      this.blocked++;
      this.dayBlocked[day]!++;
    } else if (verdict === PASS) this.passed++;
    else this.reviewed++;
    if (category !== undefined) this.countCategory(category, 1, blocked ? 1 : 0);
  }

  /** `reason` must hold no event content that was not masked. */
  malformedLine(file: string, line: number, reason: string): void {
    this.malformed++;
    if (this.samples.length < MAX_SAMPLES) this.samples.push({ file, line, reason });
  }

  /**
   * Adds a partial tally. `lineOffset` is added to its samples' line numbers: a part that
   * started in the middle of a file counted its lines from the start of its byte range.
   */
  merge(other: TallyData, lineOffset = 0): void {
    this.lines += other.lines;
    this.total += other.total;
    this.passed += other.passed;
    this.blocked += other.blocked;
    this.reviewed += other.reviewed;
    this.malformed += other.malformed;
    this.outside += other.outside;
    other.dayTotal.forEach((n, i) => (this.dayTotal[i]! += n));
    other.dayBlocked.forEach((n, i) => (this.dayBlocked[i]! += n));
    for (const [name, total, blocked] of other.categories) this.countCategory(name, total, blocked);
    this.categoriesCapped ||= other.categoriesCapped;
    for (const s of other.samples) if (this.samples.length < MAX_SAMPLES) this.samples.push({ ...s, line: s.line + lineOffset });
  }

  data(): TallyData {
    return {
      lines: this.lines,
      total: this.total,
      passed: this.passed,
      blocked: this.blocked,
      reviewed: this.reviewed,
      malformed: this.malformed,
      outside: this.outside,
      dayTotal: [...this.dayTotal],
      dayBlocked: [...this.dayBlocked],
      categories: [...this.categories].map(([name, [t, b]]) => [name, t, b]),
      categoriesCapped: this.categoriesCapped,
      samples: [...this.samples],
    };
  }

  byCategory(): Record<string, { total: number; blocked: number }> {
    const out: Record<string, { total: number; blocked: number }> = {};
    for (const [name, [total, blocked]] of this.categories) out[name] = { total, blocked };
    return out;
  }

  get capped(): boolean {
    return this.categoriesCapped;
  }

  private countCategory(name: string, total: number, blocked: number): void {
    let entry = this.categories.get(name);
    if (!entry) {
      if (this.categories.size >= MAX_CATEGORIES && name !== OTHER_CATEGORY) {
        this.categoriesCapped = true;
        return this.countCategory(OTHER_CATEGORY, total, blocked);
      }
      entry = [0, 0];
      this.categories.set(name, entry);
    }
    entry[0] += total;
    entry[1] += blocked;
  }
}
