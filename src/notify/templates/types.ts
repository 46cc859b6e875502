/** A rendered email body: subject without the service prefix, a plain-text and an HTML part. */
export interface Rendered {
  subject: string;
  text: string;
  html: string;
}
