/** Queue names under the configured prefix (`<prefix>:checks:*`, `<prefix>:notifications:*`). */
export const CHECK_QUEUE = 'checks';
export const NOTIFY_QUEUE = 'notifications';

/** The per-check lock that keeps two runs of one check from overlapping (workers and `run --local`). */
export function checkLockKey(prefix: string, checkId: string): string {
  return `${prefix}:lock:check:${checkId}`;
}

/** The lease of the one active scheduler (reconcile, catch-up, watchdog). */
export function schedulerLeaseKey(prefix: string): string {
  return `${prefix}:leader:scheduler`;
}
