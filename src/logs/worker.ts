import { createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../lib/errors.js';
import { CollectContext } from './context.js';
import { EventSink } from './event-sink.js';
import type { PartRequest, PartResponse, WorkerSettings } from './pool.js';
import { readPart } from './source-file.js';
import { CHUNK } from './byte-source.js';

/**
 * Worker-thread entry (pool.ts starts it from dist/, compiled). Reads the parts it is sent, one
 * at a time, each into a fresh tally and, when events are kept, its own gzip member file; the
 * main thread merges tallies and concatenates the members in part order.
 */
const settings = workerData as WorkerSettings;
// Buffers reused from part to part (this thread reads one part at a time): in a thread that
// allocates little else the garbage collector comes late, and memory would grow with the input.
const batches: Buffer[] = [];
const readBuffers: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];

parentPort!.on('message', (req: PartRequest) => {
  void handle(req).then((res) => parentPort!.postMessage(res));
});

async function handle(req: PartRequest): Promise<PartResponse> {
  try {
    const sink = req.eventsFile ? new EventSink(createWriteStream(req.eventsFile), settings.mask, batches) : undefined;
    const ctx = new CollectContext(settings, settings.window, sink);
    const result = await readPart(req.part, ctx, { readBuffers });
    await sink?.end();
    return { index: req.index, ok: true, result, tally: ctx.tally.data() };
  } catch (err) {
    return { index: req.index, ok: false, error: errorMessage(err) };
  }
}
