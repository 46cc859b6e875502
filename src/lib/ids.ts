import { randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';

/**
 * Run ids sort by start time and stay readable in a directory listing:
 * `20261129T183800123Z-5f2a9c`. The random tail keeps two workers starting in the same
 * millisecond apart.
 */
export function newRunId(startedAt: DateTime): string {
  const stamp = startedAt.toUTC().toFormat("yyyyLLdd'T'HHmmssSSS'Z'");
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
