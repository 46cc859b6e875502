import { BLOCK, PASS, REVIEW, type VerdictCode } from './tally.js';

/**
 * Source verdict values → pass | block | review. The canonical names always work; a source adds
 * its own (`verdicts: { block: [blocked, reject] }`). Matching ignores case and surrounding
 * spaces (`BLOCK`, ` Reject `). The common case, a value spelled exactly as configured, is
 * compared on the raw bytes without decoding.
 */

export interface VerdictConfig {
  pass?: string[];
  block?: string[];
  review?: string[];
}

export class VerdictMatcher {
  private readonly byName = new Map<string, VerdictCode>();
  private readonly exact: Array<{ bytes: Buffer; code: VerdictCode }> = [];

  constructor(config: VerdictConfig = {}) {
    const add = (name: string, code: VerdictCode) => {
      const key = name.trim().toLowerCase();
      const known = this.byName.get(key);
      if (known !== undefined && known !== code) {
        throw new Error(`verdict value "${name}" is mapped to two verdicts; list it under one of pass, block, review`);
      }
      this.byName.set(key, code);
      this.exact.push({ bytes: Buffer.from(name, 'utf8'), code });
    };
    add('pass', PASS);
    add('block', BLOCK);
    add('review', REVIEW);
    for (const v of config.pass ?? []) add(v, PASS);
    for (const v of config.block ?? []) add(v, BLOCK);
    for (const v of config.review ?? []) add(v, REVIEW);
  }

  /** The verdict of the string value in b[s, e) (no escapes), or -1. */
  fromBytes(b: Uint8Array, s: number, e: number): VerdictCode | -1 {
    const len = e - s;
    outer: for (const { bytes, code } of this.exact) {
      if (bytes.length !== len) continue;
      for (let j = 0; j < len; j++) if (bytes[j] !== b[s + j]) continue outer;
      return code;
    }
    return this.fromString(Buffer.from(b.buffer, b.byteOffset + s, len).toString('utf8'));
  }

  fromString(value: string): VerdictCode | -1 {
    return this.byName.get(value.trim().toLowerCase()) ?? -1;
  }
}
