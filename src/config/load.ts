import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DossierError, ExitCode, errorCode } from '../lib/errors.js';
import { problemsFromZod } from './issues.js';
import { normalize, type Config } from './normalize.js';
import { crossFieldProblems } from './rules.js';
import { configSchema } from './schema.js';
import { redactSecrets } from '../lib/redact.js';
import { formatProblem, interpolateEnv, lineOf, parseSource, pathKey, type ConfigProblem, type EnvOrigins } from './source.js';

export const DEFAULT_CONFIG_PATH = 'config/dossier.yaml';

/** Every problem of a config file, reported together (exit code 2). */
export class ConfigError extends DossierError {
  readonly file: string;
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    const lines = problems.map((p) => formatProblem(file, p));
    super(`invalid config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, ExitCode.usage);
    this.file = file;
    this.problems = problems;
  }
}

export function resolveConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(explicit ?? env.DOSSIER_CONFIG ?? DEFAULT_CONFIG_PATH);
}

/** Reads, interpolates, validates and normalizes; throws ConfigError listing every problem. */
export function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const file = resolveConfigPath(path, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = errorCode(err) === 'ENOENT' ? 'file not found' : `cannot read it (${errorCode(err) ?? String(err)})`;
    throw new ConfigError(file, [
      { path: [], message: `${why}; pass --config FILE, set DOSSIER_CONFIG, or create ${DEFAULT_CONFIG_PATH}` },
    ]);
  }
  return parseConfig(file, text, env);
}

export function parseConfig(file: string, text: string, env: NodeJS.ProcessEnv = process.env): Config {
  const { source, problems } = parseSource(file, text);
  if (problems.length) throw new ConfigError(file, problems);
  const { problems: envProblems, fromEnv } = interpolateEnv(source, env);
  const raw = source.doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: [], line: 1, message: 'the file must hold a mapping with version, services and checks' }]);
  }

  const result = configSchema.safeParse(raw);
  const all = [...envProblems, ...(result.success ? [] : problemsFromZod(result.error, configSchema, raw)), ...crossFieldProblems(raw)];
  if (all.length) {
    const located = dedupe(all).map((p) => ({ ...p, line: p.line ?? lineOf(source, p.path), message: withoutSecrets(p, raw, fromEnv) }));
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ConfigError(file, located);
  }
  return normalize(result.data!, file);
}

/**
 * A config problem is printed and may be logged: it must not repeat a secret. A value that came
 * from the environment is named by its variable instead of shown (`passwordEnv: ${SMTP_PASSWORD}`
 * is a likely mistake that would otherwise print the password); the value of a `…Env` key is
 * never shown; passwords inside URLs are masked.
 */
function withoutSecrets(p: ConfigProblem, raw: unknown, fromEnv: EnvOrigins): string {
  let message = p.message;
  const value = valueAt(raw, p.path);
  const hide = (shown: string) => {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    for (const form of [JSON.stringify(value), String(value)]) if (form.length >= 3) message = message.split(form).join(shown);
  };
  const vars = fromEnv.get(pathKey(p.path));
  if (vars) hide(`(the value of ${vars.map((v) => `$${v}`).join(', ')})`);
  const last = p.path.at(-1);
  if (typeof last === 'string' && /Env$/.test(last)) hide('(value hidden)');
  return redactSecrets(message);
}

function valueAt(raw: unknown, path: ConfigProblem['path']): unknown {
  let v: unknown = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('.')}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
