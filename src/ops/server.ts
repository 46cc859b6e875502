import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Ledger } from '../ledger/ledger.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SchedulerStatus } from '../producer/scheduler.js';
import type { DaemonMetrics } from './metrics.js';

export interface OpsSources {
  redis: Redis;
  ledger: Ledger;
  queues: Queue[];
  metrics: DaemonMetrics;
  role: string;
  scheduler?: SchedulerStatus;
}

const TIMEOUT_MS = 2_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref())]);
}

/** /healthz: 200 when Redis and the ledger answer, 503 naming what does not. */
export async function health(src: OpsSources): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const check = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await within(fn(), what);
      return 'ok';
    } catch (err) {
      return `error: ${errorMessage(err)}`;
    }
  };
  const redis = await check('Redis', () => src.redis.ping());
  const ledger = await check('the ledger', () => src.ledger.head());
  const ok = redis === 'ok' && ledger === 'ok';
  return {
    ok,
    body: { status: ok ? 'ok' : 'degraded', role: src.role, redis, ledger, ...(src.scheduler ? { scheduler: src.scheduler } : {}) },
  };
}

/** The daemon's operations endpoint; bound to 127.0.0.1 by default. */
export async function startOpsServer(host: string, port: number, src: OpsSources, logger: Logger): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    const reply = async () => {
      if (req.method !== 'GET') return void res.writeHead(405).end();
      if (url === '/healthz') {
        const h = await health(src);
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h.body));
      } else if (url === '/metrics') {
        const text = await src.metrics.render({ ledger: src.ledger, queues: src.queues }, TIMEOUT_MS);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
      }
    };
    reply().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`unavailable: ${errorMessage(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  logger.info({ host, port: actual }, 'serving /healthz and /metrics');
  return { server, port: actual };
}
