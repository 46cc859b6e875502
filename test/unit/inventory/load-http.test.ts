import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { PermanentError, UnreachableError } from '../../../src/lib/errors.js';

const TOKEN = 's3cr3t-inventory-token';
const INVENTORY = {
  model: { name: 'XiaoZhi', version: '2.1', base: 'Qwen2.5-72B' },
  features: [{ id: 'chat', name: '多轮对话' }],
  scope: { audiences: ['enterprise'], regions: ['CN'], channels: ['web'] },
};

/** A real HTTP server: one route per behaviour the loader must handle. */
let server: Server;
let base: string;
const seen: Array<{ path: string; authorization?: string }> = [];
const hanging: ServerResponse[] = [];
/** Bytes an endless route managed to send before the client hung up. */
const streamed: Record<string, number> = {};

/** Writes 64 KiB chunks (chunked encoding, no length) until `limit` bytes or the client goes away. */
function endless(res: ServerResponse, route: string, limit = 300 * 1024 * 1024): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  streamed[route] = 0;
  const more = () => {
    while (!res.destroyed && streamed[route]! < limit) {
      streamed[route]! += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  more();
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    switch (new URL(req.url ?? '/', 'http://x').pathname) {
      case '/ok.json':
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end();
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INVENTORY));
      case '/ok.yaml':
        return res.writeHead(200, { 'content-type': 'application/yaml' }).end('model: { name: XiaoZhi, version: "2.1" }\nfeatures: [{ id: chat, name: 多轮对话 }]\n');
      case '/error':
        return res.writeHead(500).end('boom');
      case '/gone':
        return res.writeHead(404).end();
      case '/slow':
        hanging.push(res); // never answers
        return;
      case '/not-yaml':
        return res.writeHead(200).end('model: { name: [unclosed');
      case '/redirect':
        return res.writeHead(302, { location: '/ok.json?token=in-the-query' }).end();
      case '/redirect-open':
        return res.writeHead(301, { location: `/ok.yaml?sig=abc` }).end();
      case '/huge-chunked':
        res.writeHead(200, { 'content-type': 'application/json' });
        return endless(res, '/huge-chunked');
      case '/gone-endless':
        res.writeHead(404);
        return endless(res, '/gone-endless');
      case '/wrong-shape':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model: { name: 'X' }, feature: [] }));
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const env = { INVENTORY_TOKEN: TOKEN };
const source = (path: string, extra: { tokenEnv?: string; timeoutSeconds?: number } = {}) => ({ url: `${base}${path}`, timeoutSeconds: 5, ...extra });

/** A port nothing listens on: bind one, then let it go. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the load to fail');
}

describe('inventory over HTTP (real local server)', () => {
  it('200: reads JSON, sending the bearer token from the variable tokenEnv names', async () => {
    const loaded = await loadInventory(source('/ok.json?key=abc', { tokenEnv: 'INVENTORY_TOKEN' }), { env });
    expect(loaded.inventory.features).toEqual([{ id: 'chat', name: '多轮对话' }]);
    expect(loaded.origin).toBe(`${base}/ok.json`); // no query string in what is shown
    expect(seen.find((s) => s.path.startsWith('/ok.json'))?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('200: reads YAML too', async () => {
    const loaded = await loadInventory(source('/ok.yaml'), { env });
    expect(loaded.inventory.model).toEqual({ name: 'XiaoZhi', version: '2.1' });
  });

  it('500: a retryable error naming the URL and status, never the token', async () => {
    const err = await failure(loadInventory(source('/error', { tokenEnv: 'INVENTORY_TOKEN' }), { env }));
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toBe(`the inventory URL ${base}/error answered HTTP 500 Internal Server Error; the inventory service has a problem, the run is retried`);
    expect(err.message).not.toContain(TOKEN);
  });

  it('4xx: permanent, with the fix', async () => {
    const err = await failure(loadInventory(source('/ok.json', { tokenEnv: 'INVENTORY_TOKEN' }), { env: { INVENTORY_TOKEN: 'wrong' } }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/answered HTTP 401 Unauthorized; check the token in INVENTORY_TOKEN/);
    expect(err.message).not.toContain('wrong');
    expect((await failure(loadInventory(source('/gone'), { env }))).message).toMatch(/HTTP 404 Not Found; check sources\.inventory\.url/);
  });

  it('timeout: a retryable error that names the setting', async () => {
    const err = await failure(loadInventory(source('/slow', { timeoutSeconds: 0.3 }), { env }));
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toMatch(/did not answer within 0\.3 s \(sources\.inventory\.timeoutSeconds\)/);
  });

  it('invalid body: permanent, saying what is wrong', async () => {
    const notYaml = await failure(loadInventory(source('/not-yaml'), { env }));
    expect(notYaml).toBeInstanceOf(PermanentError);
    expect(notYaml.message).toMatch(/not-yaml is not valid YAML or JSON/);
    const shape = await failure(loadInventory(source('/wrong-shape'), { env }));
    expect(shape.message).toMatch(/is not a valid feature inventory \(2 problems\).*model\.version: is required.*unknown key "feature"/);
  });

  it('a refused connection is retryable; a missing token variable is permanent', async () => {
    const port = await freePort();
    const refused = await failure(loadInventory({ url: `http://127.0.0.1:${port}/inventory`, timeoutSeconds: 5 }, { env }));
    expect(refused).toBeInstanceOf(UnreachableError);
    expect(refused.message).toBe(`cannot fetch the inventory from http://127.0.0.1:${port}/inventory: ECONNREFUSED; check that the URL is right and the service is up`);
    const noToken = await failure(loadInventory(source('/ok.json', { tokenEnv: 'NOT_SET_ANYWHERE' }), { env: {} }));
    expect(noToken).toBeInstanceOf(PermanentError);
    expect(noToken.message).toMatch(/environment variable NOT_SET_ANYWHERE \(sources\.inventory\.tokenEnv\) is not set/);
  });

  it('a URL with a user name or password is refused before any request, permanently, and never shown', async () => {
    const before = seen.length;
    const url = base.replace('http://', 'http://ops:hunter2-pw@') + '/ok.json?token=q-secret';
    const err = await failure(loadInventory({ url, timeoutSeconds: 5 }, { env }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`the inventory URL ${base}/ok.json carries a user name or password; remove them from sources.inventory.url and put a bearer token in an environment variable named by sources.inventory.tokenEnv`);
    expect(seen.length).toBe(before);
    expect(JSON.stringify({ message: err.message, cause: String(err.cause ?? '') })).not.toMatch(/hunter2|q-secret|ops:/);
  });

  it('with a token, a redirect is permanent and names where it points, without the query; without one it is followed', async () => {
    const err = await failure(loadInventory(source('/redirect', { tokenEnv: 'INVENTORY_TOKEN' }), { env }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(
      `the inventory URL ${base}/redirect answered HTTP 302 Found, a redirect to ${base}/ok.json; with a token (sources.inventory.tokenEnv) redirects are not followed, so the token cannot reach another host: set sources.inventory.url to the final address`,
    );
    expect(err.message).not.toContain('in-the-query');
    const followed = await loadInventory(source('/redirect-open'), { env });
    expect(followed.inventory.model).toEqual({ name: 'XiaoZhi', version: '2.1' });
  });

  it('stops downloading a chunked body past 5 MB instead of reading all of it', async () => {
    const err = await failure(loadInventory(source('/huge-chunked', { timeoutSeconds: 30 }), { env }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`the inventory from ${base}/huge-chunked is more than ${5 * 1024 * 1024} bytes; that is not an inventory`);
    // The server could push a little more into the socket buffers before the client hung up, not 300 MB.
    expect(streamed['/huge-chunked']!).toBeLessThan(64 * 1024 * 1024);
  });

  it('judges the status before reading a body: an error page of any length costs nothing', async () => {
    const err = await failure(loadInventory(source('/gone-endless', { timeoutSeconds: 30 }), { env }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/answered HTTP 404 Not Found; check sources\.inventory\.url/);
    expect(streamed['/gone-endless']!).toBeLessThan(64 * 1024 * 1024);
  });

  it('a missing file names the file and the key to fix', async () => {
    const err = await failure(loadInventory({ file: '/nonexistent/inventory.yaml' }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('cannot read the inventory file /nonexistent/inventory.yaml: the file does not exist; fix sources.inventory.file');
  });
});
