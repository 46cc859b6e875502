import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CollectSettings } from './context.js';
import type { PartResult, SourcePart } from './source-file.js';
import type { PeriodWindow, TallyData } from './tally.js';

/**
 * A small pool of worker threads that read parts (plan.ts) and send back a tally per part.
 * Parts are handed out one at a time to whichever thread is free; results are kept by part
 * index, so the caller merges them in file order and gets exactly the single-threaded result.
 */

export interface WorkerSettings extends CollectSettings {
  window: PeriodWindow;
  mask: boolean;
}

export interface PartRequest {
  index: number;
  part: SourcePart;
  /** Where to write this part's events as one gzip member; none for metrics only. */
  eventsFile?: string;
}

export type PartResponse = { index: number; ok: true; result: PartResult; tally: TallyData } | { index: number; ok: false; error: string };
export type PartOutput = Extract<PartResponse, { ok: true }>;

/**
 * The compiled worker entry. Dossier runs from dist/, where it sits next to this file. Under
 * vitest or tsx this file is TypeScript and the worker must still be plain JavaScript, so the
 * build in dist/ is used (`npm test` builds first); without a build the caller reads inline.
 */
export function workerScript(): URL | undefined {
  const here = new URL(import.meta.url);
  const candidates = here.pathname.endsWith('.js') ? [new URL('./worker.js', here)] : [new URL('../../dist/src/logs/worker.js', here)];
  return candidates.find((u) => existsSync(fileURLToPath(u)));
}

export function runParts(
  parts: SourcePart[],
  settings: WorkerSettings,
  threads: number,
  script: URL,
  options: { eventsDir?: string; signal?: AbortSignal } = {},
): Promise<PartOutput[]> {
  const { eventsDir, signal } = options;
  return new Promise((resolve, reject) => {
    const out: PartOutput[] = new Array<PartOutput>(parts.length);
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(out);
    };
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error('the collection was aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const feed = (w: Worker) => {
      if (next >= parts.length) return;
      const index = next++;
      const req: PartRequest = { index, part: parts[index]!, ...(eventsDir ? { eventsFile: eventsPartFile(eventsDir, index) } : {}) };
      w.postMessage(req);
    };
    for (let i = 0; i < Math.min(threads, parts.length); i++) {
      const w = new Worker(script, { workerData: settings });
      workers.push(w);
      w.on('message', (res: PartResponse) => {
        if (settled) return;
        if (!res.ok) return finish(new Error(`reading ${parts[res.index]!.name} failed in a worker thread: ${res.error}`));
        out[res.index] = res;
        if (++done === parts.length) finish();
        else feed(w);
      });
      w.on('error', (err) => finish(new Error(`a log-reading worker thread failed: ${err.message}`, { cause: err })));
      w.on('exit', (code) => finish(new Error(`a log-reading worker thread stopped (exit code ${code}) before its work was done`)));
      feed(w);
    }
    if (!parts.length) finish();
  });
}

export function eventsPartFile(dir: string, index: number): string {
  return join(dir, `part-${String(index).padStart(5, '0')}.gz`);
}
