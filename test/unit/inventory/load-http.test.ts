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

  it('a missing file names the file and the key to fix', async () => {
    const err = await failure(loadInventory({ file: '/nonexistent/inventory.yaml' }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('cannot read the inventory file /nonexistent/inventory.yaml: the file does not exist; fix sources.inventory.file');
  });
});
