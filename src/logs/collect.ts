import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Period } from '../calendar/period.js';
import { errorCode } from '../lib/errors.js';
import { plainBytes, startsWithGzipMagic } from './byte-source.js';
import { CollectContext, type CollectSettings } from './context.js';
import { EventSink } from './event-sink.js';
import { expandGlobs } from './glob.js';
import { DEFAULT_TUNING, planParts, type SourceFile, type Tuning } from './plan.js';
import { eventsPartFile, runParts, workerScript, type PartOutput } from './pool.js';
import { describeReadError, formatFromName, readPart, type FileFacts, type LogFormat } from './source-file.js';
import { periodWindow, Tally, type PeriodWindow } from './tally.js';

export interface EventsOutput {
  /** Called once, when there is at least one source file: where the gzipped JSONL goes. */
  open(): Writable;
  mask: boolean;
  /** Directory for per-thread parts of the output while threads run (default: the OS temp dir). */
  tempDir?: string;
}

export interface CollectOptions extends CollectSettings {
  /** Absolute glob patterns (sources.safetyLogs.files). */
  patterns: string[];
  format?: LogFormat;
  period: Period;
  /** Where the period's events go (events.jsonl.gz); none for metrics only. */
  events?: EventsOutput;
  /** Worker threads; 1 reads in this thread. Default: the available cores, at most 4. */
  threads?: number;
  tuning?: Partial<Tuning>;
  signal?: AbortSignal;
}

export interface Collection {
  window: PeriodWindow;
  files: FileFacts[];
  /** Fixed leading directories of patterns that do not exist. */
  missingDirs: string[];
  tally: Tally;
  /** Worker threads used (1: read inline). */
  threads: number;
}

/**
 * One period's collection over every file the patterns match, in sorted path order: the counts,
 * the facts of each file, and the period's events. Big inputs are read by worker threads
 * (plan.ts, pool.ts) while this thread hashes the raw files; small ones, or a build without the
 * compiled worker, are read inline. Both give identical results.
 */
export async function collect(opts: CollectOptions): Promise<Collection> {
  if (opts.events?.tempDir) await removeStaleParts(opts.events.tempDir);
  const { files: paths, missingDirs } = await expandGlobs(opts.patterns);
  const window = periodWindow(opts.period);
  const names = shortNames(paths);
  const files: FileFacts[] = [];
  const sources: SourceFile[] = [];
  for (const [i, path] of paths.entries()) {
    const facts: FileFacts = { path, name: names[i]!, format: opts.format ?? formatFromName(path) ?? 'jsonl', gzip: false, bytes: 0, sha256: '', lines: 0 };
    files.push(facts);
    try {
      facts.bytes = (await stat(path)).size;
      facts.gzip = await startsWithGzipMagic(path);
    } catch (err) {
      facts.error = describeReadError(err, false);
      continue;
    }
    sources.push({ path, name: facts.name, size: facts.bytes, gzip: facts.gzip, format: opts.format ?? formatFromName(path) });
  }

  const tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const wanted = opts.threads ?? Math.min(availableParallelism(), 4);
  const script = wanted > 1 ? workerScript() : undefined;
  const total = sources.reduce((n, f) => n + f.size, 0);
  const byPath = new Map(files.map((f) => [f.path, f]));
  if (!script || total < tuning.parallelMinBytes) {
    const tally = await collectInline(sources, byPath, window, opts);
    return { window, files, missingDirs, tally, threads: 1 };
  }
  const tally = await collectThreaded(sources, byPath, window, opts, wanted, script, tuning);
  return { window, files, missingDirs, tally, threads: wanted };
}

async function collectInline(sources: SourceFile[], facts: Map<string, FileFacts>, window: PeriodWindow, opts: CollectOptions): Promise<Tally> {
  const sink = sources.length && opts.events ? new EventSink(opts.events.open(), opts.events.mask) : undefined;
  const ctx = new CollectContext(opts, window, sink);
  try {
    for (const f of sources) {
      opts.signal?.throwIfAborted();
      const hash = createHash('sha256');
      let bytes = 0;
      const part = { ...f, start: 0, end: -1, align: false };
      const tap = (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      };
      const result = await readPart(part, ctx, { tap, signal: opts.signal });
      // A read that broke off saw only part of the raw file; the evidence hash is of all of it,
      // as the threaded path computes it.
      const whole = result.error ? await hashFile(f.path, opts.signal) : { sha256: hash.digest('hex'), bytes };
      Object.assign(facts.get(f.path)!, { format: result.format, lines: result.lines, bytes: whole.bytes, sha256: whole.sha256 }, result.error ? { error: result.error } : {});
    }
    await sink?.end();
  } catch (err) {
    sink?.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
  return ctx.tally;
}

async function collectThreaded(
  sources: SourceFile[],
  facts: Map<string, FileFacts>,
  window: PeriodWindow,
  opts: CollectOptions,
  threads: number,
  script: URL,
  tuning: Tuning,
): Promise<Tally> {
  const parts = planParts(sources, threads, tuning);
  const tempRoot = opts.events?.tempDir ?? tmpdir();
  if (opts.events) await mkdir(tempRoot, { recursive: true });
  const eventsDir = opts.events ? await mkdtemp(join(tempRoot, '.events-')) : undefined;
  try {
    const settings = { fields: opts.fields, verdicts: opts.verdicts, zone: opts.zone, window, mask: opts.events?.mask ?? false };
    // This thread hashes the raw files while the workers read them (the page cache serves both).
    const [outputs, hashes] = await Promise.all([runParts(parts, settings, threads, script, { eventsDir, signal: opts.signal }), hashAll(sources, opts.signal)]);
    const tally = new Tally(window.dayKeys.length);
    const lineOffset = new Map<string, number>();
    outputs.forEach((out: PartOutput, i) => {
      const part = parts[i]!;
      const f = facts.get(part.path)!;
      const offset = lineOffset.get(part.path) ?? 0;
      tally.merge(out.tally, offset);
      lineOffset.set(part.path, offset + out.result.physicalLines);
      f.lines += out.result.lines;
      f.format = out.result.format;
      if (out.result.error && !f.error) f.error = out.result.error;
    });
    sources.forEach((s, i) => {
      const f = facts.get(s.path)!;
      const h = hashes[i]!;
      f.sha256 = h.sha256;
      f.bytes = h.bytes;
      if (h.error && !f.error) f.error = h.error;
    });
    if (opts.events && eventsDir) {
      const files = parts.map((_, i) => eventsPartFile(eventsDir, i));
      await pipeline(Readable.from(concatFiles(files)), opts.events.open(), { signal: opts.signal });
    }
    return tally;
  } finally {
    if (eventsDir) await rm(eventsDir, { recursive: true, force: true });
  }
}

async function hashAll(sources: SourceFile[], signal?: AbortSignal): Promise<FileHash[]> {
  const out: FileHash[] = [];
  for (const f of sources) out.push(await hashFile(f.path, signal));
  return out;
}

interface FileHash {
  sha256: string;
  bytes: number;
  error?: string;
}

/** sha256 and size of the raw file as stored; a read error is reported, not thrown (an abort is). */
async function hashFile(path: string, signal?: AbortSignal): Promise<FileHash> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of plainBytes(path)) {
      hash.update(chunk);
      bytes += chunk.length;
      signal?.throwIfAborted();
    }
    return { sha256: hash.digest('hex'), bytes };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { sha256: hash.digest('hex'), bytes, error: describeReadError(err, false) };
  }
}

/** Part directories older than this belong to no running collection. */
const STALE_PARTS_MS = 24 * 3_600_000;

/**
 * Removes the part directories (`.events-*`) a killed process left in `dir`: a collection removes
 * its own when it ends, but a process that dies (OOM, SIGKILL) never gets there. Only those a day
 * old, so a collection running in another process right now keeps its parts.
 */
async function removeStaleParts(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // not created yet
  }
  for (const name of names) {
    if (!name.startsWith('.events-')) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - (await stat(path)).mtimeMs > STALE_PARTS_MS) await rm(path, { recursive: true, force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

/** Gzip members one after the other form one valid gzip file (RFC 1952, section 2.2). */
async function* concatFiles(paths: string[]): AsyncGenerator<Buffer> {
  for (const p of paths) {
    try {
      for await (const chunk of createReadStream(p)) yield chunk as Buffer;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err; // a part that had no output
    }
  }
}

/** Paths relative to their deepest common directory: short, and still unique. */
export function shortNames(paths: string[]): string[] {
  if (!paths.length) return [];
  let common = dirname(paths[0]!);
  for (const p of paths) {
    while (common !== dirname(common) && !p.startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  }
  return paths.map((p) => relative(common, p).split(sep).join('/'));
}
