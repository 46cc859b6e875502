import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './redis-server.js';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  /** AUTH attempts seen (successful or not). */
  authAttempts: number;
  connections: number;
  /** Starts accepting connections (a server created with `listening: false` refuses them until then). */
  listen(): Promise<void>;
  close(): Promise<void>;
  /** Resolves once `n` messages have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

/**
 * A real SMTP server in this process (smtp-server, as nodemailer's own tests use), plain TCP on
 * 127.0.0.1; every message is parsed with mailparser. With `auth`, only that user/password pair
 * is accepted (535 otherwise).
 */
export async function startTestSmtp(opts: { auth?: { user: string; pass: string }; listening?: boolean; rejectRecipients?: string[] } = {}): Promise<TestSmtp> {
  const port = await freePort();
  const received: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const state = { authAttempts: 0, connections: 0 };
  const server = new SMTPServer({
    secure: false,
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      state.connections++;
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectRecipients?.includes(address.address)) return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      return cb();
    },
    onAuth(auth, _session, cb) {
      state.authAttempts++;
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
      const err = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      return cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              parsed,
              raw,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
            });
            waiters.splice(0).forEach((w) => w());
            cb();
          })
          .catch((err: Error) => cb(err));
      });
    },
  });
  server.on('error', () => undefined);
  let listening = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (listening) return resolve();
      server.listen(port, '127.0.0.1', () => {
        listening = true;
        resolve();
      });
      server.once('error', reject);
    });
  if (opts.listening !== false) await listen();
  return {
    port,
    received,
    get authAttempts() {
      return state.authAttempts;
    },
    get connections() {
      return state.connections;
    },
    listen,
    close: () => new Promise<void>((resolve) => (listening ? server.close(() => resolve()) : resolve())),
    waitFor(n, timeoutMs = 20_000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${n} messages arrived within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        waiters.push(check);
      });
    },
  };
}

/** Polls `fn` until it returns a truthy value (no fixed sleeps in tests). */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Text of every address in a mailparser address field. */
export function addresses(field: ParsedMail['to'] | ParsedMail['cc']): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).sort();
}
