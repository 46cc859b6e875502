import type { Config } from '../../config/normalize.js';
import { canonicalJson } from '../../lib/hash.js';
import { outboxTransport } from './outbox.js';
import { smtpTransport } from './smtp.js';
import type { MailTransport } from './types.js';

/**
 * The transport for the current mail config, kept open between messages (the SMTP pool) and
 * rebuilt when a reload changes the mail settings.
 */
export class Transports {
  private current?: { fingerprint: string; transport: MailTransport };

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  for(config: Config): MailTransport {
    const fingerprint = canonicalJson({ transport: config.mail.transport, smtp: config.mail.smtp, outbox: config.outboxDir });
    if (this.current?.fingerprint !== fingerprint) {
      this.current?.transport.close();
      this.current = { fingerprint, transport: build(config, this.env) };
    }
    return this.current.transport;
  }

  close(): void {
    this.current?.transport.close();
    this.current = undefined;
  }
}

function build(config: Config, env: NodeJS.ProcessEnv): MailTransport {
  if (config.mail.transport === 'smtp') {
    if (!config.mail.smtp) throw new Error('mail.transport is smtp but mail.smtp is missing');
    return smtpTransport(config.mail.smtp, env);
  }
  return outboxTransport(config.outboxDir);
}
