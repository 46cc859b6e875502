import type { Config } from '../config/normalize.js';

/**
 * Contact groups → addresses: `to` first, then `cc` minus anyone already in `to`, each address
 * once. Unknown groups (config changed since the request was made) are reported, not guessed.
 */
export function resolveRecipients(config: Config, to: string[], cc: string[] = []): { to: string[]; cc: string[]; unknown: string[] } {
  const unknown: string[] = [];
  const expand = (groups: string[]) =>
    groups.flatMap((g) => {
      const list = config.contacts[g];
      if (!list) unknown.push(g);
      return list ?? [];
    });
  const toList = [...new Set(expand(to).map((a) => a.trim()))];
  const seen = new Set(toList.map((a) => a.toLowerCase()));
  const ccList = [...new Set(expand(cc).map((a) => a.trim()))].filter((a) => !seen.has(a.toLowerCase()));
  return { to: toList, cc: ccList, unknown };
}
