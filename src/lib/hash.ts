import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. The ledger
 * hashes this form, so the same row always hashes the same whatever order its keys were built in,
 * and in whichever database it was stored.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A pass-through that reports the sha256 and size of what went through it, once it has: hashing
 * evidence while it streams to disk or into a ZIP, never reading it twice.
 */
export function hashingStream(done: (h: { sha256: string; bytes: number }) => void): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      done({ sha256: hash.digest('hex'), bytes });
      cb();
    },
  });
}
