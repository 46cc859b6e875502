/** Queue names under the configured prefix (`<prefix>:checks:*`, `<prefix>:notifications:*`). */
export const CHECK_QUEUE = 'checks';
export const NOTIFY_QUEUE = 'notifications';

/** The per-check lock that keeps two runs of one check from overlapping (workers and `run --local`). */
export function checkLockKey(prefix: string, checkId: string): string {
  return `${prefix}:lock:check:${checkId}`;
}
