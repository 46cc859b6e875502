import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncPath } from '../lib/atomic-file.js';
import { canonicalJson, hashingStream } from '../lib/hash.js';
import type { EvidenceRef } from '../lib/result.js';

export const MANIFEST = 'manifest.json';

export interface Manifest {
  version: 1;
  runId: string;
  service: string;
  check: string;
  period: string;
  createdAt: string;
  files: Array<{ name: string; sha256: string; bytes: number }>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The evidence archive: `<dir>/<service>/<check>/<period>/<runId>/`. A run only ever creates its
 * own new directory, so nothing earlier is touched by a re-run; files are written to a temporary
 * name, synced, renamed into place and made read-only.
 */
export class Archive {
  constructor(readonly dir: string) {}

  async openRun(ids: { service: string; check: string; period: string; runId: string }, createdAt: string): Promise<EvidenceWriter> {
    const rel = posix.join(ids.service, ids.check, ids.period, ids.runId);
    const abs = join(this.dir, rel);
    await mkdir(abs, { recursive: true });
    return new EvidenceWriter(abs, rel, ids, createdAt);
  }

  resolve(relPath: string): string {
    return join(this.dir, ...relPath.split('/'));
  }
}

/** How long sealing waits for evidence still being written (a handler that returned has none). */
const SEAL_GRACE_MS = 2_000;

export class EvidenceWriter {
  private readonly written: Array<{ name: string; sha256: string; bytes: number }> = [];
  /** Writes under way, by name: a name is taken when its write starts, not when it ends. */
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Set when sealing starts: a write finishing after it is discarded, never slipped in unlisted. */
  private sealed = false;
  private finalized = false;

  constructor(
    readonly absDir: string,
    readonly relDir: string,
    private readonly ids: { service: string; check: string; period: string; runId: string },
    private readonly createdAt: string,
  ) {}

  async writeFile(name: string, data: string | Uint8Array): Promise<EvidenceRef> {
    const source = new PassThrough();
    const done = this.writeFrom(name, source);
    source.end(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    return done;
  }

  /** Pretty JSON with sorted keys, so the same content is the same bytes. */
  async writeJson(name: string, value: unknown): Promise<EvidenceRef> {
    return this.writeFile(name, JSON.stringify(JSON.parse(canonicalJson(value)), null, 2) + '\n');
  }

  /** Streams `source` into the file, hashing as it goes: constant memory for big evidence. */
  async writeFrom(name: string, source: Readable): Promise<EvidenceRef> {
    this.assertWritable(name);
    const write = this.write(name, source);
    this.inflight.set(name, write);
    try {
      return await write;
    } finally {
      this.inflight.delete(name);
    }
  }

  private async write(name: string, source: Readable): Promise<EvidenceRef> {
    const target = join(this.absDir, name);
    const temp = join(this.absDir, `.${name}.tmp-${randomBytes(4).toString('hex')}`);
    let digest = { sha256: '', bytes: 0 };
    const tap = hashingStream((h) => (digest = h));
    try {
      await pipeline(source, tap, createWriteStream(temp, { mode: 0o600 }));
      if (this.sealed && name !== MANIFEST) {
        throw new Error(`evidence of run ${this.ids.runId} was sealed while "${name}" was still being written (timeout or shutdown); it is not part of the run`);
      }
      await fsyncPath(temp);
      await rename(temp, target);
      await chmod(target, 0o444);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const entry = { name, ...digest };
    this.written.push(entry);
    return this.ref(entry);
  }

  /**
   * A writable whose content becomes `name`; `done` resolves once the file is safely in place.
   * For evidence produced while reading a source (the period's events, gzipped).
   */
  createStream(name: string): { stream: Writable; done: Promise<EvidenceRef> } {
    const stream = new PassThrough();
    return { stream, done: this.writeFrom(name, stream) };
  }

  files(): EvidenceRef[] {
    return this.written.map((e) => this.ref(e));
  }

  /** Writes manifest.json (read-only) and seals the directory; returns every file incl. the manifest. */
  async finalize(): Promise<EvidenceRef[]> {
    if (this.finalized) return this.files();
    // A run that timed out may still be streaming: give it a moment, then seal regardless.
    if (this.inflight.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inflight.values()]), new Promise((r) => (timer = setTimeout(r, SEAL_GRACE_MS)))]);
      clearTimeout(timer);
    }
    this.sealed = true;
    const manifest: Manifest = {
      version: 1,
      runId: this.ids.runId,
      service: this.ids.service,
      check: this.ids.check,
      period: this.ids.period,
      createdAt: this.createdAt,
      files: [...this.written].sort((a, b) => a.name.localeCompare(b.name)),
    };
    await this.writeJson(MANIFEST, manifest);
    this.finalized = true;
    await fsyncPath(this.absDir);
    await chmod(this.absDir, 0o555);
    return this.files();
  }

  private ref(e: { name: string; sha256: string; bytes: number }): EvidenceRef {
    return { path: posix.join(this.relDir, e.name), sha256: e.sha256, bytes: e.bytes };
  }

  private assertWritable(name: string): void {
    if (!SAFE_NAME.test(name)) throw new Error(`evidence file name "${name}" is not allowed: letters, digits, . _ - only, no directories`);
    if (this.sealed && name !== MANIFEST) throw new Error(`evidence of run ${this.ids.runId} is sealed; "${name}" comes too late`);
    if (this.inflight.has(name) || this.written.some((e) => e.name === name)) {
      throw new Error(`evidence file "${name}" was already written in this run; evidence is never overwritten`);
    }
  }
}

