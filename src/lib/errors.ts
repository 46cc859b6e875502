/**
 * Error classes that decide two things the rest of the code must not guess: the CLI exit code
 * (spec section 7) and whether a failed job is worth retrying (style habit 4: the code nearest
 * the failure decides).
 */

export const ExitCode = {
  ok: 0,
  notOk: 1,
  usage: 2,
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class DossierError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command-line usage: unknown check id, malformed --period, … */
export class UsageError extends DossierError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** An external dependency (Redis, the ledger database, SMTP) cannot be reached. */
export class UnreachableError extends DossierError {
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unreachable, options);
    this.dependency = dependency;
  }
}

/**
 * The input itself is wrong (a baseline that is not valid YAML, a source that is not a file):
 * retrying cannot help, so the worker records the run as inconclusive at once instead of
 * burning its attempts.
 */
export class PermanentError extends DossierError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.notOk, options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Node's system error code (ECONNREFUSED, ENOENT, …) when there is one. */
export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
