/**
 * Polls `fn` until it returns something truthy and returns it; fails naming `what` after
 * `timeoutMs`. Tests wait for outcomes (a ledger row, a log line), never for fixed sleeps, so a
 * slow machine makes them slower, not red.
 */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
