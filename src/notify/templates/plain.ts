import { page, para } from './html.js';
import type { Rendered } from './types.js';

/** A message a sender wrote itself: a subject and plain text (paragraphs split on blank lines). */
export interface PlainMail {
  subject: string;
  text: string;
}

export function renderPlain(d: PlainMail, lang: string): Rendered {
  const paragraphs = d.text.split(/\n{2,}/).map((p) => para(p.trim()));
  return { subject: d.subject, text: d.text, html: page(lang, d.subject, paragraphs) };
}
