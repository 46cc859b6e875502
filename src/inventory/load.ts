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
 * they throw PermanentError (recorded inconclusive at once), and so does a redirect when a token
 * is set, or a URL with a user name or password in it. Messages name the URL without its query
 * string or credentials (displayUrl), never the token, and never the text of a library error
 * (fetch's messages can hold the whole URL): error codes only. The body is counted as it
 * arrives and abandoned past 5 MB.
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
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    throw new PermanentError('sources.inventory.url is not a valid URL; write it as https://host/path');
  }
  // Config validation refuses these too; a URL that reaches here through a variable is refused
  // before any request, and not retried.
  if (url.username || url.password) {
    throw new PermanentError(`the inventory URL ${origin} carries a user name or password; remove them from sources.inventory.url and put a bearer token in an environment variable named by sources.inventory.tokenEnv`);
  }
  const headers: Record<string, string> = { accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5' };
  if (source.tokenEnv) {
    const token = env[source.tokenEnv];
    if (!token) throw new PermanentError(`the inventory URL ${origin} needs a token, but the environment variable ${source.tokenEnv} (sources.inventory.tokenEnv) is not set`);
    headers.authorization = `Bearer ${token}`;
  }
  const timeout = AbortSignal.timeout(source.timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      headers,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      // A redirect could carry the token to another host: with a token, a 3xx is reported, not followed.
      redirect: source.tokenEnv ? 'manual' : 'follow',
    });
  } catch (err) {
    // Library messages can hold the whole URL (query string included): only error codes go out.
    if (timeout.aborted) {
      throw new UnreachableError('inventory', `the inventory URL ${origin} did not answer within ${source.timeoutSeconds} s (sources.inventory.timeoutSeconds); check the service or raise the timeout`);
    }
    throw new UnreachableError('inventory', `cannot fetch the inventory from ${origin}: ${networkCode(err)}; check that the URL is right and the service is up`);
  }

  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status >= 300 && response.status < 400) {
    await discard(response);
    const location = response.headers.get('location');
    const target = location ? displayUrl(URL.canParse(location, url.href) ? new URL(location, url).href : location) : '(no Location header)';
    throw new PermanentError(`the inventory URL ${origin} answered ${status}, a redirect to ${target}; with a token (sources.inventory.tokenEnv) redirects are not followed, so the token cannot reach another host: set sources.inventory.url to the final address`);
  }
  if (!response.ok) {
    await discard(response);
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new UnreachableError('inventory', `the inventory URL ${origin} answered ${status}; the inventory service has a problem, the run is retried`);
    }
    const hint = response.status === 401 || response.status === 403 ? `; check the token in ${source.tokenEnv ?? '(no tokenEnv configured)'}` : '; check sources.inventory.url';
    throw new PermanentError(`the inventory URL ${origin} answered ${status}${hint}`);
  }
  const text = await readBody(response, origin, source.timeoutSeconds, timeout);
  return { inventory: parseInventory(text, origin), origin, bytes: Buffer.byteLength(text) };
}

/**
 * The body, counted as it streams in: past MAX_BYTES the download stops, whatever the server
 * declared (a chunked body has no length to check in advance).
 */
async function readBody(response: Response, origin: string, timeoutSeconds: number, timeout: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) {
    await discard(response);
    throw new PermanentError(`the inventory from ${origin} is ${declared} bytes; more than ${MAX_BYTES} is not an inventory`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // Leaving the loop (the throw below) cancels the stream and closes the connection.
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength;
      if (total > MAX_BYTES) throw new PermanentError(`the inventory from ${origin} is more than ${MAX_BYTES} bytes; that is not an inventory`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    if (timeout.aborted) throw new UnreachableError('inventory', `the inventory URL ${origin} did not send its body within ${timeoutSeconds} s (sources.inventory.timeoutSeconds)`);
    throw new UnreachableError('inventory', `reading the inventory from ${origin} failed: ${networkCode(err)}`);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** A body not wanted: let the connection go without reading it. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** What went wrong on the network, as an error code (never a library message: those may quote the URL). */
function networkCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = errorCode(e);
    if (code) return code;
    const inner = (e as { errors?: unknown[] }).errors?.map(errorCode).find(Boolean);
    if (inner) return inner;
  }
  return 'a network error without a code';
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
