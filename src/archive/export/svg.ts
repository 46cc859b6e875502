import { esc } from './format.js';

/**
 * A month-by-month chart as inline SVG (no script, no fetched asset): bars on the left axis
 * (volume), a line on the right axis (a rate or a number of days) with dashed threshold lines,
 * and a shaded band with a label over each month that is missing or not yet due. Each point
 * carries a <title>, so hovering shows the exact figure without any script.
 */
export interface MonthChart {
  title: string;
  months: string[];
  bars?: { label: string; values: Array<number | undefined>; format: (n: number) => string };
  line?: { label: string; values: Array<number | undefined>; format: (n: number) => string };
  thresholds?: Array<{ label: string; value: number; kind: 'warn' | 'fail' }>;
  /** Per month: a band for months without data. */
  marks: Array<{ kind: 'missing' | 'future'; label: string } | undefined>;
}

const W = 760;
const H = 280;
const M = { top: 28, right: 64, bottom: 52, left: 64 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function monthChart(c: MonthChart): string {
  const n = Math.max(1, c.months.length);
  const band = PW / n;
  const x = (i: number) => M.left + band * i + band / 2;
  const barMax = niceMax(Math.max(0, ...defined(c.bars?.values ?? [])));
  const lineMax = niceMax(Math.max(0, ...defined(c.line?.values ?? []), ...(c.thresholds ?? []).map((t) => t.value * 1.2)));
  const yBar = (v: number) => M.top + PH - (v / barMax) * PH;
  const yLine = (v: number) => M.top + PH - (v / lineMax) * PH;
  const parts: string[] = [];

  c.marks.forEach((mark, i) => {
    if (!mark) return;
    const cls = mark.kind === 'missing' ? 'band-missing' : 'band-future';
    parts.push(`<rect class="${cls}" x="${f(M.left + band * i)}" y="${M.top}" width="${f(band)}" height="${PH}"><title>${esc(`${c.months[i]}: ${mark.label}`)}</title></rect>`);
    parts.push(`<text class="band-label ${cls}-label" x="${f(x(i))}" y="${M.top + 14}" text-anchor="middle">${esc(mark.label)}</text>`);
  });

  for (let k = 0; k <= 4; k++) {
    const y = M.top + PH - (PH * k) / 4;
    parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + PW}" y1="${f(y)}" y2="${f(y)}"/>`);
    if (c.bars) parts.push(`<text class="axis" x="${M.left - 6}" y="${f(y + 4)}" text-anchor="end">${esc(c.bars.format((barMax * k) / 4))}</text>`);
    if (c.line) parts.push(`<text class="axis" x="${M.left + PW + 6}" y="${f(y + 4)}">${esc(c.line.format((lineMax * k) / 4))}</text>`);
  }

  c.bars?.values.forEach((v, i) => {
    if (v === undefined) return;
    const y = yBar(v);
    parts.push(`<rect class="bar" x="${f(x(i) - band * 0.3)}" y="${f(y)}" width="${f(band * 0.6)}" height="${f(M.top + PH - y)}"><title>${esc(`${c.months[i]} · ${c.bars!.label}: ${c.bars!.format(v)}`)}</title></rect>`);
  });

  for (const t of c.thresholds ?? []) {
    const y = yLine(t.value);
    parts.push(`<line class="threshold threshold-${t.kind}" x1="${M.left}" x2="${M.left + PW}" y1="${f(y)}" y2="${f(y)}"><title>${esc(t.label)}</title></line>`);
    parts.push(`<text class="threshold-label threshold-${t.kind}-label" x="${M.left + 4}" y="${f(y - 4)}">${esc(t.label)}</text>`);
  }

  if (c.line) {
    const line = c.line;
    let path = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === undefined) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${f(x(i))},${f(yLine(v))}`;
      pen = true;
    });
    if (path) parts.push(`<path class="line" d="${path}"/>`);
    line.values.forEach((v, i) => {
      if (v === undefined) return;
      parts.push(`<circle class="dot" cx="${f(x(i))}" cy="${f(yLine(v))}" r="3.5"><title>${esc(`${c.months[i]} · ${line.label}: ${line.format(v)}`)}</title></circle>`);
    });
  }

  const rotate = n > 14;
  c.months.forEach((m, i) => {
    const attrs = rotate ? ` transform="rotate(-45 ${f(x(i))} ${M.top + PH + 14})" text-anchor="end"` : ' text-anchor="middle"';
    parts.push(`<text class="axis month" x="${f(x(i))}" y="${M.top + PH + 18}"${attrs}>${esc(m)}</text>`);
  });
  parts.push(`<line class="axis-line" x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}"/>`);

  const legend: string[] = [];
  let lx = M.left;
  if (c.bars) {
    legend.push(`<rect class="bar-key" x="${lx}" y="${H - 16}" width="12" height="10"/><text class="legend" x="${lx + 16}" y="${H - 7}">${esc(c.bars.label)}</text>`);
    lx += 28 + textWidth(c.bars.label);
  }
  if (c.line) {
    legend.push(`<line class="line-key" x1="${lx}" x2="${lx + 14}" y1="${H - 11}" y2="${H - 11}"/><text class="legend" x="${lx + 18}" y="${H - 7}">${esc(c.line.label)}</text>`);
  }

  return [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}">`,
    `<title>${esc(c.title)}</title>`,
    ...parts,
    ...legend,
    '</svg>',
  ].join('\n');
}

function defined(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** The smallest 1/2/5 × 10^k at or above v, so the four grid lines land on round figures. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const exp = Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 5, 8, 10]) {
    const candidate = m * 10 ** exp;
    if (candidate >= v * 0.999999) return candidate;
  }
  return 10 ** (exp + 1);
}

/** Coordinates with at most one decimal: short and the same on every run. */
function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Rough width of a label at 11px: CJK characters are twice as wide as Latin ones. */
function textWidth(s: string): number {
  return [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 11 : 6.5), 0);
}
