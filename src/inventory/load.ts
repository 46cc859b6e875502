import { readFile } from 'node:fs/promises';
import { PermanentError, UnreachableError, errorCode, errorMessage } from '../lib/errors.js';
import { parseInventory, type Inventory } from './schema.js';

/**
 * Reads the current inventory from `sources.inventory`: a YAML/JSON file, or an HTTP(S) URL
 * (global fetch, a timeout, an optional bearer token read from the variable `tokenEnv` names).
 *
 * Who retries is decided here (style habit 4): a timeout, a refused connection or a 5xx/429
 * answer may pass, so they throw UnreachableError (the worker retries with backoff, the CLI exits
 * 3); a missing file, a 4xx answer or a body that is not an inventory will not fix itself, so
 * they throw PermanentError (recorded inconclusive at once). Messages name the URL without its
 * query string or credentials, and never the token.
 */

export type InventorySource = { file: string } | { url: string; tokenEnv?: string; timeoutSeconds: number };

export interface LoadedInventory {
  inventory: Inventory;
  /** The file path or the URL as shown in messages (no credentials, no query). */
  origin: string;
  bytes: number;
}

/** Bodies larger than this are refused: an inventory is a few kilobytes. */
const MAX_BYTES = 5 * 1024 * 1024;

export async function loadInventory(source: InventorySource, opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<LoadedInventory> {
  return 'file' in source ? fromFile(source.file) : fromUrl(source, opts.env ?? process.env, opts.signal);
}

async function fromFile(path: string): Promise<LoadedInventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errorCode(err);
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a directory' : (code ?? errorMessage(err));
    throw new PermanentError(`cannot read the inventory file ${path}: ${why}; fix sources.inventory.file`, { cause: err });
  }
  return { inventory: parseInventory(text, path), origin: path, bytes: Buffer.byteLength(text) };
}

async function fromUrl(source: { url: string; tokenEnv?: string; timeoutSeconds: number }, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<LoadedInventory> {
  const origin = displayUrl(source.url);
  const headers: Record<string, string> = { accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5' };
  if (source.tokenEnv) {
    const token = env[source.tokenEnv];
    if (!token) throw new PermanentError(`the inventory URL ${origin} needs a token, but the environment variable ${source.tokenEnv} (sources.inventory.tokenEnv) is not set`);
    headers.authorization = `Bearer ${token}`;
  }
  const timeout = AbortSignal.timeout(source.timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(source.url, {
      headers,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      // A redirect could carry the token to another host; follow only when there is no token.
      redirect: source.tokenEnv ? 'error' : 'follow',
    });
  } catch (err) {
    if (timeout.aborted) {
      throw new UnreachableError('inventory', `the inventory URL ${origin} did not answer within ${source.timeoutSeconds} s (sources.inventory.timeoutSeconds); check the service or raise the timeout`, { cause: err });
    }
    const cause = (err as { cause?: unknown }).cause;
    const why = errorCode(cause) ?? errorMessage(cause ?? err);
    throw new UnreachableError('inventory', `cannot fetch the inventory from ${origin}: ${why}; check that the URL is right and the service is up`, { cause: err });
  }

  const text = await readBody(response, origin, source.timeoutSeconds, timeout);
  if (!response.ok) {
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new UnreachableError('inventory', `the inventory URL ${origin} answered ${status}; the inventory service has a problem, the run is retried`);
    }
    const hint = response.status === 401 || response.status === 403 ? `; check the token in ${source.tokenEnv ?? '(no tokenEnv configured)'}` : '; check sources.inventory.url';
    throw new PermanentError(`the inventory URL ${origin} answered ${status}${hint}`);
  }
  return { inventory: parseInventory(text, origin), origin, bytes: Buffer.byteLength(text) };
}

async function readBody(response: Response, origin: string, timeoutSeconds: number, timeout: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new PermanentError(`the inventory from ${origin} is ${declared} bytes; more than ${MAX_BYTES} is not an inventory`);
  try {
    const buf = Buffer.from(await response.arrayBuffer());
    if (buf.length > MAX_BYTES) throw new PermanentError(`the inventory from ${origin} is ${buf.length} bytes; more than ${MAX_BYTES} is not an inventory`);
    return buf.toString('utf8');
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    if (timeout.aborted) throw new UnreachableError('inventory', `the inventory URL ${origin} did not send its body within ${timeoutSeconds} s (sources.inventory.timeoutSeconds)`, { cause: err });
    throw new UnreachableError('inventory', `reading the inventory from ${origin} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** `https://user:pw@host/path?token=x` → `https://host/path`: safe for logs, ledger and messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
