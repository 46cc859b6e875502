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
 * Distinct categories kept; the others are counted under OTHER_CATEGORY. A free-text category
 * field (a mapping pointed at the prompt, say) must not make memory grow with the size of the
 * month, in this thread or in any worker.
 *
 * Which ones are kept must not depend on how the input was cut into parts, or threads would
 * report other numbers than an inline read. "The first 500 seen" cannot promise that in bounded
 * memory (a later part cannot know which of its names an earlier part already kept), so the kept
 * ones are the 500 *smallest names* (UTF-16 order): a name among the 500 smallest of the whole
 * input is among the 500 smallest of every part it occurs in, so per-part tallies capped the
 * same way merge into exactly the inline result. Names are still listed in the order first seen.
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
  /** [category, total, blocked] in first-seen order, OTHER_CATEGORY last. */
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
  private readonly other: [number, number] = [0, 0];
  /** Once names were dropped: the largest name kept; any greater one goes to OTHER_CATEGORY. */
  private ceiling: string | undefined;
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
      categories: this.categoryList(),
      categoriesCapped: this.capped,
      samples: [...this.samples],
    };
  }

  /** Counts per category; fromEntries keeps a category named `__proto__` as data. */
  byCategory(): Record<string, { total: number; blocked: number }> {
    return Object.fromEntries(this.categoryList().map(([name, total, blocked]) => [name, { total, blocked }]));
  }

  get capped(): boolean {
    this.prune(MAX_CATEGORIES);
    return this.categoriesCapped;
  }

  private categoryList(): Array<[string, number, number]> {
    this.prune(MAX_CATEGORIES);
    const list: Array<[string, number, number]> = [...this.categories].map(([name, [t, b]]) => [name, t, b]);
    if (this.other[0] || this.other[1]) list.push([OTHER_CATEGORY, this.other[0], this.other[1]]);
    return list;
  }

  private countCategory(name: string, total: number, blocked: number): void {
    let entry = name === OTHER_CATEGORY ? this.other : this.categories.get(name);
    if (!entry) {
      if (this.ceiling !== undefined && name > this.ceiling) {
        this.categoriesCapped = true;
        entry = this.other;
      } else {
        this.categories.set(name, [total, blocked]);
        // Up to twice the cap between prunings: a sort every MAX_CATEGORIES new names, not every name.
        if (this.categories.size > 2 * MAX_CATEGORIES) this.prune(MAX_CATEGORIES);
        return;
      }
    }
    entry[0] += total;
    entry[1] += blocked;
  }

  /** Keeps the `keep` smallest names; the counts of the others go to OTHER_CATEGORY. */
  private prune(keep: number): void {
    if (this.categories.size <= keep) return;
    const names = [...this.categories.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names.slice(keep)) {
      const [t, b] = this.categories.get(name)!;
      this.other[0] += t;
      this.other[1] += b;
      this.categories.delete(name);
    }
    this.ceiling = names[keep - 1];
    this.categoriesCapped = true;
  }
}
