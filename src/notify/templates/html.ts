import { escapeHtml } from '../../lib/html.js';
/**
 * HTML building blocks for emails. Mail clients (Outlook, Foxmail, Gmail, QQ Mail) drop <style>
 * blocks and external assets inconsistently, so every element carries its style inline, layout is
 * tables, and there are no images or web fonts. Every text passes through `esc`.
 */

export const esc = escapeHtml;

const FONT = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif";

export function page(lang: string, title: string, blocks: string[]): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f4f5f7;${FONT}">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7"><tr><td align="center" style="padding:16px">',
    '<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;background:#ffffff;border:1px solid #dfe1e6;border-radius:6px">',
    `<tr><td style="padding:20px 24px;${FONT};font-size:14px;line-height:1.6;color:#172b4d">`,
    `<h1 style="margin:0 0 12px;font-size:18px;line-height:1.4;color:#172b4d">${esc(title)}</h1>`,
    ...blocks,
    '</td></tr></table>',
    '</td></tr></table>',
    '</body></html>',
  ].join('\n');
}

export function para(text: string, tone: 'normal' | 'muted' | 'alert' = 'normal'): string {
  const color = tone === 'muted' ? '#5e6c84' : tone === 'alert' ? '#bf2600' : '#172b4d';
  return `<p style="margin:0 0 12px;color:${color}">${esc(text)}</p>`;
}

export function heading(text: string): string {
  return `<h2 style="margin:20px 0 8px;font-size:15px;color:#172b4d;border-bottom:1px solid #dfe1e6;padding-bottom:4px">${esc(text)}</h2>`;
}

export function list(items: string[], ordered = false): string {
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag} style="margin:0 0 12px;padding-left:22px">${items.map((i) => `<li style="margin:2px 0">${esc(i)}</li>`).join('')}</${tag}>`;
}

/** A data table; cells are text, or { html } for an already escaped fragment (a badge). */
export function table(headers: string[], rows: Array<Array<string | { html: string }>>): string {
  const th = headers.map((h) => `<th align="left" style="padding:6px 8px;background:#f4f5f7;border-bottom:1px solid #dfe1e6;font-size:13px">${esc(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td style="padding:6px 8px;border-bottom:1px solid #ebecf0;font-size:13px;vertical-align:top">${typeof c === 'string' ? esc(c) : c.html}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 12px">${th ? `<tr>${th}</tr>` : ''}${tr}</table>`;
}

const TONES: Record<string, [string, string]> = {
  pass: ['#e3fcef', '#006644'],
  present: ['#e3fcef', '#006644'],
  sent: ['#e3fcef', '#006644'],
  warn: ['#fffae6', '#974f0c'],
  upcoming: ['#f4f5f7', '#5e6c84'],
  fail: ['#ffebe6', '#bf2600'],
  failed: ['#ffebe6', '#bf2600'],
  missing: ['#ffebe6', '#bf2600'],
  inconclusive: ['#eae6ff', '#403294'],
};

export function badge(tone: string, label: string): { html: string } {
  const [bg, fg] = TONES[tone] ?? ['#f4f5f7', '#42526e'];
  return { html: `<span style="display:inline-block;padding:1px 6px;border-radius:3px;background:${bg};color:${fg};font-size:12px;font-weight:600">${esc(label)}</span>` };
}

export function footer(text: string): string {
  return `<p style="margin:20px 0 0;padding-top:8px;border-top:1px solid #ebecf0;color:#6b778c;font-size:12px">${esc(text)}</p>`;
}

export function code(text: string): { html: string } {
  return { html: `<code style="font-family:Menlo,Consolas,monospace;font-size:12px;background:#f4f5f7;padding:1px 4px;border-radius:3px">${esc(text)}</code>` };
}
