/** Every human-facing text exists in zh-CN (default) and en; code picks with `say`. */
export type Locale = 'zh-CN' | 'en';

export function say(locale: Locale, zh: string, en: string): string {
  return locale === 'en' ? en : zh;
}

/** Days as a short human number: 7.5 → "7.5", 7 → "7". */
export function days(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "keyword library" → "Keyword library" (English sentences; CJK is unaffected). */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
