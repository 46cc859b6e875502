import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../lib/clock.js';
import { errorMessage } from '../lib/errors.js';
import { say } from '../lib/i18n.js';
import type { Logger } from '../lib/logger.js';
import { catchUp } from './catch-up.js';
import { catchUpDigest } from './digest-catch-up.js';
import { desiredSchedules } from './desired.js';
import { LeaderElection } from './leader.js';
import { existingSchedules, reconcile } from './producer.js';
import { schedulerLeaseKey } from '../queue/names.js';
import { scheduleProblems, type ScheduleProblem } from './watchdog.js';

export interface ScheduleAlert extends ScheduleProblem {
  serviceId?: string;
  message: string;
}

export interface SchedulerRoleOptions {
  config: () => Config;
  ledger: Ledger;
  queue: Queue;
  /** Connection for the leader lease. */
  redis: Redis;
  clock: Clock;
  logger: Logger;
  /** Called for every repaired schedule (the daemon emails ops through it). */
  onAlert?: (alert: ScheduleAlert) => Promise<void>;
}

export interface SchedulerStatus {
  leader: boolean;
  lastPassAt?: string;
  lastPassError?: string;
}

/**
 * The scheduler role: while it holds the lease, it reconciles schedules with config, catches up
 * missed periods (on election and every `catchUpMinutes`) and runs the watchdog (every
 * `watchdogMinutes`): a scheduler that vanished from Redis or stopped firing is recorded as a
 * `schedule-missing` finding in the ledger, repaired, and reported.
 */
export class SchedulerRole {
  private readonly election: LeaderElection;
  private timers: NodeJS.Timeout[] = [];
  private readonly seen = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly status: SchedulerStatus = { leader: false };

  constructor(private readonly opts: SchedulerRoleOptions) {
    const cfg = opts.config();
    this.election = new LeaderElection({
      redis: opts.redis,
      key: schedulerLeaseKey(cfg.redis.prefix),
      leaseMs: cfg.scheduler.leaseSeconds * 1000,
      logger: opts.logger,
      onElected: () => this.elected(),
      onDeposed: () => this.deposed(),
    });
  }

  start(): void {
    this.election.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.election.stop();
    await this.running;
  }

  /** After SIGHUP: apply the new config now (only the leader writes). */
  async reload(): Promise<void> {
    if (this.election.isLeader) await this.pass('reload', true);
  }

  private async elected(): Promise<void> {
    this.status.leader = true;
    const { scheduler } = this.opts.config();
    await this.pass('elected', true);
    // Stopped or deposed during that first pass: no timers, or they would outlive the role.
    if (this.stopped || !this.election.isLeader) return;
    this.timers.push(setInterval(() => void this.pass('catch-up', true), scheduler.catchUpMinutes * 60_000).unref());
    this.timers.push(setInterval(() => void this.pass('watchdog', false), scheduler.watchdogMinutes * 60_000).unref());
  }

  private async deposed(): Promise<void> {
    this.status.leader = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Passes never overlap: a slow catch-up and a watchdog tick queue up instead. */
  pass(reason: string, withCatchUp: boolean): Promise<void> {
    const next = this.running.then(() => this.passNow(reason, withCatchUp));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async passNow(reason: string, withCatchUp: boolean): Promise<void> {
    if (!this.election.isLeader) return;
    const { ledger, queue, logger, clock } = this.opts;
    const config = this.opts.config();
    try {
      const desired = desiredSchedules(config);
      const problems = scheduleProblems(config, desired, await existingSchedules(queue), clock.now());
      const alerts: ScheduleProblem[] = [];
      for (const p of problems) {
        // A scheduler missing because config just gained the check is not a problem.
        if (p.problem === 'missing' && !this.seen.has(p.checkId) && !(await hasHistory(ledger, p.checkId))) continue;
        // Overdue with its job still queued: the schedule is fine, the workers are not taking it.
        // Re-upserting would delete that queued run (BullMQ replaces the scheduler's job).
        if (p.problem === 'overdue' && (await jobQueued(queue, `repeat:${p.checkId}:${p.next}`))) alerts.push({ ...p, problem: 'waiting' });
        else alerts.push(p);
      }
      await reconcile(config, queue, logger, { force: alerts.filter((a) => a.problem === 'overdue').map((a) => a.checkId) });
      for (const d of desired) this.seen.add(d.id);
      for (const a of alerts) await this.alert(config, a);
      if (withCatchUp) {
        await catchUp(config, ledger, queue, clock.now(), logger);
        await catchUpDigest(config, ledger, queue, clock.now(), logger);
      }
      this.status.lastPassAt = clock.now().toISO()!;
      this.status.lastPassError = undefined;
      logger.debug({ reason }, 'scheduler pass done');
    } catch (err) {
      this.status.lastPassError = errorMessage(err);
      logger.error({ reason, err: errorMessage(err) }, 'scheduler pass failed; will try again');
    }
  }

  private async alert(config: Config, p: ScheduleProblem): Promise<void> {
    const check = config.checks.find((c) => c.id === p.checkId);
    const l = config.locale;
    const late = p.next ? new Date(p.next).toISOString() : '';
    const message =
      p.problem === 'missing'
        ? say(l, `检查 ${p.checkId} 的调度在 Redis 中丢失，已重新创建`, `The schedule of check ${p.checkId} was missing from Redis; it has been re-created`)
        : p.problem === 'waiting'
          ? say(l, `检查 ${p.checkId} 应于 ${late} 运行，超过宽限期（${p.graceMinutes} 分钟）仍在排队：没有可用的 worker（已停止或过忙）`, `Check ${p.checkId} was due at ${late} and is still queued after its grace (${p.graceMinutes} minutes): no worker is taking it (stopped or overloaded)`)
          : say(l, `检查 ${p.checkId} 的调度已超过宽限期（${p.graceMinutes} 分钟）未运行（应于 ${late}），已修复`, `The schedule of check ${p.checkId} is overdue by more than ${p.graceMinutes} minutes (was due ${late}); it has been repaired`);
    const alert: ScheduleAlert = { ...p, serviceId: check?.service, message };
    this.opts.logger.error({ check: p.checkId, problem: p.problem, next: p.next }, p.problem === 'waiting' ? 'schedule-missing: runs waiting for a worker' : 'schedule-missing: repaired');
    await this.opts.ledger.append({
      table: 'events',
      event: 'schedule-missing',
      keys: { subject: p.checkId, service_id: check?.service ?? null },
      body: { finding: { code: 'schedule-missing', severity: 'warn', message, data: { problem: p.problem, next: p.next, graceMinutes: p.graceMinutes } }, repaired: p.problem !== 'waiting' },
    });
    await this.opts.onAlert?.(alert).catch((err: unknown) => this.opts.logger.error({ err: errorMessage(err) }, 'could not report a schedule problem'));
  }
}

async function jobQueued(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  return state === 'waiting' || state === 'prioritized' || state === 'active' || state === 'delayed';
}

async function hasHistory(ledger: Ledger, checkId: string): Promise<boolean> {
  const rows = await ledger.query('SELECT 1 AS x FROM runs WHERE check_id = ? LIMIT 1', [checkId]);
  return rows.length > 0;
}
