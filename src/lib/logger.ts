import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * One JSON line per event on stderr, so stdout stays clean for command output (`--json`).
 * Scopes (check, service, period, runId, jobId) are added with `logger.child({...})`.
 *
 * Secrets are redacted by key wherever they appear; the config never holds a secret itself
 * (only the name of the variable that does), this is the second line of defence.
 */
export function createLogger(options: { level?: string; name?: string; destination?: number } = {}): Logger {
  const level = options.level ?? process.env.DOSSIER_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      name: options.name ?? 'dossier',
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password', '*.password', '*.*.password', 'pass', '*.pass', 'auth.pass', '*.auth.pass',
          'token', '*.token', 'authorization', '*.authorization', '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: options.destination ?? 2, sync: true }),
  );
}

/** A logger that drops everything; for tests that assert on results, not on logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
