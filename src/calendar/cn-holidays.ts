/**
 * Mainland China public holidays and make-up working days (调休), as published each year by the
 * General Office of the State Council (国务院办公厅关于 YYYY 年部分节假日安排的通知). The notice for
 * a year comes out around November of the year before; until a year is listed here, the calendar
 * falls back to weekends only and warns (see workdays.ts), and ops can add the dates through
 * `calendar.holidays` / `calendar.workdays`.
 *
 * Only official days off are listed under `off` (weekend days inside a holiday block included, as
 * the notice writes the block); `work` lists the weekend days that are working days. Cross-checked
 * day by day in test/unit/calendar/workdays.test.ts against the `chinese-days` package (dev
 * dependency), which knows 2024–2026.
 *
 * To add a year: copy the notice's blocks here, add a few of its days to the `published` table and
 * the year to "covers …" in that test, run `npm test`.
 */

export interface HolidayBlock {
  /** zh-CN and en names of the holiday. */
  name: readonly [zh: string, en: string];
  /** First and last day off, inclusive. */
  off: readonly [from: string, to: string];
  /** Weekend days worked to make up for the block. */
  work: readonly string[];
}

export interface YearSchedule {
  source: string;
  blocks: readonly HolidayBlock[];
}

const NEW_YEAR = ['元旦', "New Year's Day"] as const;
const SPRING = ['春节', 'Spring Festival'] as const;
const QINGMING = ['清明节', 'Qingming Festival'] as const;
const LABOUR = ['劳动节', 'Labour Day'] as const;
const DRAGON_BOAT = ['端午节', 'Dragon Boat Festival'] as const;
const MID_AUTUMN = ['中秋节', 'Mid-Autumn Festival'] as const;
const NATIONAL = ['国庆节', 'National Day'] as const;
const NATIONAL_MID_AUTUMN = ['国庆节、中秋节', 'National Day and Mid-Autumn Festival'] as const;

export const CN_SCHEDULES: Readonly<Record<number, YearSchedule>> = {
  2024: {
    source: '国务院办公厅关于2024年部分节假日安排的通知 (published October 2023)',
    blocks: [
      { name: NEW_YEAR, off: ['2024-01-01', '2024-01-01'], work: [] },
      { name: SPRING, off: ['2024-02-10', '2024-02-17'], work: ['2024-02-04', '2024-02-18'] },
      { name: QINGMING, off: ['2024-04-04', '2024-04-06'], work: ['2024-04-07'] },
      { name: LABOUR, off: ['2024-05-01', '2024-05-05'], work: ['2024-04-28', '2024-05-11'] },
      { name: DRAGON_BOAT, off: ['2024-06-10', '2024-06-10'], work: [] },
      { name: MID_AUTUMN, off: ['2024-09-15', '2024-09-17'], work: ['2024-09-14'] },
      { name: NATIONAL, off: ['2024-10-01', '2024-10-07'], work: ['2024-09-29', '2024-10-12'] },
    ],
  },
  2025: {
    // The first year under the 2024 amendment of the holiday rules: Spring Festival and Labour Day
    // each gained a statutory day (New Year's Eve and May 2).
    source: '国务院办公厅关于2025年部分节假日安排的通知 (published November 2024)',
    blocks: [
      { name: NEW_YEAR, off: ['2025-01-01', '2025-01-01'], work: [] },
      { name: SPRING, off: ['2025-01-28', '2025-02-04'], work: ['2025-01-26', '2025-02-08'] },
      { name: QINGMING, off: ['2025-04-04', '2025-04-06'], work: [] },
      { name: LABOUR, off: ['2025-05-01', '2025-05-05'], work: ['2025-04-27'] },
      { name: DRAGON_BOAT, off: ['2025-05-31', '2025-06-02'], work: [] },
      { name: NATIONAL_MID_AUTUMN, off: ['2025-10-01', '2025-10-08'], work: ['2025-09-28', '2025-10-11'] },
    ],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知 (published November 2025)',
    blocks: [
      { name: NEW_YEAR, off: ['2026-01-01', '2026-01-03'], work: ['2026-01-04'] },
      { name: SPRING, off: ['2026-02-15', '2026-02-23'], work: ['2026-02-14', '2026-02-28'] },
      { name: QINGMING, off: ['2026-04-04', '2026-04-06'], work: [] },
      { name: LABOUR, off: ['2026-05-01', '2026-05-05'], work: ['2026-05-09'] },
      { name: DRAGON_BOAT, off: ['2026-06-19', '2026-06-21'], work: [] },
      { name: MID_AUTUMN, off: ['2026-09-25', '2026-09-27'], work: [] },
      { name: NATIONAL, off: ['2026-10-01', '2026-10-07'], work: ['2026-09-20', '2026-10-10'] },
    ],
  },
};
