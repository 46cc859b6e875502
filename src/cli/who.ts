import { userInfo } from 'node:os';

/**
 * Who did it, for the ledger: `--by` when given (trimmed; blank counts as not given), else the OS
 * user running the command. The one source for every command that records a person (ack,
 * baseline accept, obligation done, run), so the same person is written the same way.
 */
export function whoAmI(by?: string): string {
  if (by?.trim()) return by.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
