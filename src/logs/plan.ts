import type { LogFormat, SourcePart } from './source-file.js';

/**
 * How the source files are cut into parts for worker threads. A gzip stream cannot be entered
 * in the middle and a CSV record may span lines, so those files stay whole; a big plain JSONL
 * file is cut into byte ranges that the reader moves to line starts (byte-source.ts), so every
 * line is read by exactly one part. More parts than threads let a thread that runs on a busy
 * core take fewer.
 */

export interface SourceFile {
  path: string;
  name: string;
  size: number;
  gzip: boolean;
  /** Forced by config or known from the extension. */
  format?: LogFormat;
}

export interface Tuning {
  /** Below this many bytes in total, threads cost more than they save: read inline. */
  parallelMinBytes: number;
  /** Plain JSONL files from this size on are cut into ranges. */
  splitMinBytes: number;
  /** Target size of a range. */
  partBytes: number;
}

export const DEFAULT_TUNING: Tuning = {
  parallelMinBytes: 64 * 1024 * 1024,
  splitMinBytes: 32 * 1024 * 1024,
  partBytes: 128 * 1024 * 1024,
};

export interface PlannedPart extends SourcePart {
  /** Index of the file in the sorted file list. */
  file: number;
}

export function planParts(files: SourceFile[], threads: number, tuning: Tuning): PlannedPart[] {
  const parts: PlannedPart[] = [];
  files.forEach((f, file) => {
    const whole = { path: f.path, name: f.name, gzip: f.gzip, format: f.format, file };
    if (f.gzip || f.format !== 'jsonl' || f.size < tuning.splitMinBytes || threads < 2) {
      parts.push({ ...whole, start: 0, end: -1, align: false });
      return;
    }
    const count = Math.max(threads, Math.ceil(f.size / tuning.partBytes));
    for (let k = 0; k < count; k++) {
      const start = Math.floor((f.size * k) / count);
      const end = k === count - 1 ? -1 : Math.floor((f.size * (k + 1)) / count);
      parts.push({ ...whole, start, end, align: true });
    }
  });
  return parts;
}
