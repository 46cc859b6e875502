import type { Redis } from 'ioredis';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { tryLock, type HeldLock } from '../queue/lock.js';

export interface LeaderOptions {
  redis: Redis;
  key: string;
  leaseMs: number;
  logger: Logger;
  onElected: () => Promise<void> | void;
  onDeposed: () => Promise<void> | void;
}

/**
 * One active scheduler among several (`start --role scheduler` on more than one machine): the
 * holder of a Redis lease does reconcile, catch-up and watchdog; the others poll for the lease.
 * Concurrent upserts have duplicated or disabled schedulers in BullMQ (#2876, #3381), so only
 * one process ever writes schedules. A dead leader's lease expires after `leaseMs`; a standby
 * polls every leaseMs/3, so it takes over within about 1.3 × leaseMs. A leader that finds its
 * lease gone (Redis restarted empty, or a long pause) steps down at once.
 */
export class LeaderElection {
  private lock: HeldLock | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;

  constructor(private readonly opts: LeaderOptions) {}

  get isLeader(): boolean {
    return Boolean(this.lock?.held);
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
  }

  private tick(): Promise<void> {
    if (this.stopped || this.ticking) return this.ticking ?? Promise.resolve();
    this.ticking = this.tickOnce().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    try {
      if (this.lock && !this.lock.held) {
        this.lock = undefined;
        this.opts.logger.warn({ key: this.opts.key }, 'lost the scheduler lease; standing by');
        await this.opts.onDeposed();
      }
      if (!this.lock) {
        this.lock = await tryLock(this.opts.redis, this.opts.key, this.opts.leaseMs);
        if (this.lock && this.stopped) return; // stop() arrived meanwhile: it releases the lease
        if (this.lock) {
          this.opts.logger.info({ key: this.opts.key }, 'elected as the active scheduler');
          await this.opts.onElected();
        }
      }
    } catch (err) {
      // Redis away: the connection logs its own backoff; try again on the next tick.
      this.opts.logger.debug({ err: errorMessage(err) }, 'leader election tick failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A tick in flight may be winning the lease right now: let it finish, then give it back.
    await this.ticking;
    if (this.lock) {
      await this.lock.release();
      this.lock = undefined;
      await this.opts.onDeposed();
    }
  }
}
