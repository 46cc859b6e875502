import type { EventSink } from './event-sink.js';
import { maskText } from '../lib/mask.js';
import { dayIndex, Tally, type PeriodWindow, type VerdictCode } from './tally.js';
import { TimestampReader } from './timestamp.js';
import { VerdictMatcher, type VerdictConfig } from './verdicts.js';

/** Names of the event fields in a source (`sources.safetyLogs.fields`). */
export interface FieldNames {
  ts: string;
  verdict: string;
  category: string;
  requestId: string;
}

export const DEFAULT_FIELDS: FieldNames = { ts: 'ts', verdict: 'verdict', category: 'category', requestId: 'requestId' };

export interface CollectSettings {
  fields: FieldNames;
  verdicts: VerdictConfig;
  /** IANA zone: timestamps without an offset are read in it. */
  zone: string;
}

/**
 * What every line reader shares while collecting one period: the rules for turning a decoded
 * (timestamp, verdict, category) into counts, and how a malformed line is recorded. The format
 * readers (jsonl-lines.ts, csv-lines.ts) only find the three values.
 */
export class CollectContext {
  readonly ts: TimestampReader;
  readonly verdicts: VerdictMatcher;
  readonly tally: Tally;

  constructor(
    readonly settings: CollectSettings,
    readonly window: PeriodWindow,
    readonly sink: EventSink | undefined,
  ) {
    this.ts = new TimestampReader(settings.zone);
    this.verdicts = new VerdictMatcher(settings.verdicts);
    this.tally = new Tally(window.dayKeys.length);
  }

  get fields(): FieldNames {
    return this.settings.fields;
  }

  inPeriod(ms: number): boolean {
    return ms >= this.window.startMs && ms < this.window.endMs;
  }

  /** Counts an event of the period; the caller has checked `inPeriod`. */
  count(ms: number, verdict: VerdictCode, category: string | undefined): void {
    this.tally.event(dayIndex(this.window, ms), verdict, category);
  }

  malformed(file: string, line: number, reason: string): void {
    this.tally.malformedLine(file, line, reason);
  }
}

/**
 * A source value quoted in a malformed-line reason: masked, then cut short, because reasons end
 * up in summary.json and the report, which are never masked afterwards. Masking comes first: a
 * number cut in two at the limit would no longer look like one.
 */
export function quoteValue(value: unknown): string {
  const text = maskText(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

const categoryNames = new Map<string, string | undefined>();

/**
 * A category value as counted: strings trimmed (and masked: the names end up in the summary),
 * numbers and booleans as text, anything else as no category. Names repeat on every event, so
 * each distinct value is worked out once.
 */
export function categoryOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    let name = categoryNames.get(value);
    if (name === undefined && !categoryNames.has(value)) {
      const t = value.trim();
      name = t ? maskText(t) : undefined;
      if (categoryNames.size > 10_000) categoryNames.clear();
      categoryNames.set(value, name);
    }
    return name;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
