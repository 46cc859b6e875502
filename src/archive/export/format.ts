import { escapeHtml } from '../../lib/html.js';
import { stateLabel } from '../../lib/labels.js';
import { DateTime } from 'luxon';
import type { Locale } from '../../lib/i18n.js';

/**
 * Small formatters for the page. Numbers are formatted by hand, not with Intl, so the page's
 * bytes do not depend on the ICU data of the Node build that renders it.
 */

export const esc = escapeHtml;

export const DASH = '—';

export function int(n: number | undefined): string {
  if (n === undefined) return DASH;
  const [whole, frac] = String(Math.round(n * 100) / 100).split('.');
  return whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

export function pct(n: number | undefined, digits = 2): string {
  return n === undefined ? DASH : `${(n * 100).toFixed(digits)}%`;
}

/** An ISO instant as local wall time in the configured zone: 2026-11-01 02:00. */
export function when(iso: string | undefined, zone: string): string {
  if (!iso) return DASH;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = DateTime.fromISO(iso, { setZone: true });
  return d.isValid ? d.setZone(zone).toFormat('yyyy-MM-dd HH:mm') : iso;
}

/** Human words for a state (the shared table in src/lib/labels.ts). */
export const statusText = stateLabel;

/** A coloured label; the class carries the colour, the text carries the meaning. */
export function badge(locale: Locale, status: string): string {
  return `<span class="badge s-${esc(status.replace(/[^a-z-]/g, ''))}">${esc(statusText(locale, status))}</span>`;
}

const RANK: Record<string, number> = { pass: 0, warn: 1, inconclusive: 2, fail: 3 };

export function worst(statuses: string[]): string | undefined {
  return statuses.reduce<string | undefined>((w, s) => (w === undefined || (RANK[s] ?? 2) > (RANK[w] ?? 2) ? s : w), undefined);
}

export function shortHash(h: string): string {
  return `${h.slice(0, 16)}…`;
}
