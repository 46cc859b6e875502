import { userInfo } from 'node:os';

/** Who did it, for the ledger: `--by` when given, else the OS user running the command. */
export function whoAmI(by?: string): string {
  if (by?.trim()) return by.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
