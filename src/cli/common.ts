import { Queue } from 'bullmq';
import { Command, InvalidArgumentError, Option } from 'commander';
import { assertRedisReachable, commandConnection } from '../queue/connection.js';
import { CHECK_QUEUE } from '../queue/names.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';

/** What every command gets: its config path, output mode, clock and a logger on stderr. */
export interface CliContext {
  clock: Clock;
  logger: Logger;
  out: (text: string) => void;
  /** A warning for the person at the terminal (stderr), apart from the output a script reads. */
  warn?: (text: string) => void;
}

export function warn(ctx: CliContext, text: string): void {
  (ctx.warn ?? ((t: string) => process.stderr.write(`dossier: warning: ${t}\n`)))(text);
}

export interface CommonOptions {
  config?: string;
  json?: boolean;
}

export function configOption(): Option {
  return new Option('-c, --config <file>', 'config file (default: $DOSSIER_CONFIG or config/dossier.yaml)');
}

export function jsonOption(): Option {
  return new Option('--json', 'print machine-readable JSON');
}

/**
 * Option-argument parsers. Commander reports what they throw as "option '--x <n>' argument 'abc'
 * is invalid. <message>" and main() maps it to exit 2, so the message only says what is allowed.
 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Write a positive whole number, e.g. 20.');
  return n;
}

/** Longest wait an option accepts; also keeps timers below Node's 2^31 ms limit (≈ 24.8 days), past which they fire at once. */
export const MAX_SECONDS = 86_400;

/** A number of seconds, more than 0 and at most one day (fractions allowed: 0.5). */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_SECONDS) {
    throw new InvalidArgumentError(`Write a number of seconds greater than 0 and at most ${MAX_SECONDS} (one day), e.g. 60.`);
  }
  return n;
}

export function defaultContext(): CliContext {
  return {
    clock: systemClock,
    logger: createLogger({ level: process.env.DOSSIER_LOG_LEVEL ?? 'warn' }),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

export function readConfig(opts: CommonOptions): Config {
  return loadConfig(opts.config);
}

/** Opens the ledger for the duration of `fn` and always closes it. */
export async function withLedger<T>(config: Config, ctx: CliContext, fn: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(config.ledger.url, ctx.clock);
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/** Left-aligned text table; CJK characters count double so columns line up in a terminal. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join('  ').trimEnd())
    .join('\n');
}

export type CommandRegistrar = (program: Command, ctx: CliContext, setExit: (code: number) => void) => void;

/** A fail-fast check queue for one command; exit 3 with the fix when Redis is unreachable. */
export async function withCheckQueue<T>(config: Config, fn: (queue: Queue) => Promise<T>): Promise<T> {
  await assertRedisReachable(config.redis.url);
  const connection = commandConnection(config.redis.url);
  connection.on('error', () => undefined);
  const queue = new Queue(CHECK_QUEUE, { connection, prefix: config.redis.prefix });
  queue.on('error', () => undefined);
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
