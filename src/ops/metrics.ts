import type { Queue } from 'bullmq';
import type { Ledger } from '../ledger/ledger.js';
import { parseBody } from '../ledger/ledger.js';
import type { Result } from '../lib/result.js';
import { Counter, Histogram, renderGauge } from './registry.js';

/**
 * What this process did (runs it executed, emails it sent) is counted in memory, the usual
 * Prometheus way: each worker exposes its own counters and Prometheus sums them. What the whole
 * deployment knows (last successful run per check, queue depth, chain head) is read from the
 * ledger and Redis at scrape time, so any instance answers it the same.
 */
export class DaemonMetrics {
  readonly runs = new Counter('dossier_runs_total', 'Check attempts finished by this process, by check and status.');
  readonly runDuration = new Histogram('dossier_run_duration_seconds', 'Duration of check attempts run by this process.', [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600]);
  readonly notifications = new Counter('dossier_notifications_total', 'Emails handled by this process, by outcome (sent, failed).');

  recordRun(r: Pick<Result, 'check' | 'status' | 'startedAt' | 'finishedAt'>): void {
    this.runs.inc({ check: r.check, status: r.status });
    this.runDuration.observe({ check: r.check }, Math.max(0, (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000));
  }

  /**
   * Each source is read on its own, with its own time limit: with Redis down, the ledger's series
   * (the ones an alert wants then) still come through, and `dossier_scrape_errors` says what did not.
   */
  async render(deps: { ledger?: Ledger; queues?: Queue[] }, timeoutMs = 2_000): Promise<string> {
    const parts = [this.runs.render(), this.runDuration.render(), this.notifications.render()];
    const errors: Array<{ labels: Record<string, string>; value: number }> = [];
    const section = async (name: string, read: () => Promise<string[]>) => {
      try {
        parts.push(...(await withTimeout(read(), timeoutMs)));
        errors.push({ labels: { section: name }, value: 0 });
      } catch {
        errors.push({ labels: { section: name }, value: 1 });
      }
    };
    if (deps.ledger) await section('ledger', () => ledgerSeries(deps.ledger!));
    if (deps.queues?.length) await section('redis', () => queueSeries(deps.queues!));
    parts.push(renderGauge('dossier_scrape_errors', 'A metrics source that did not answer in this scrape (1) or did (0).', errors));
    return parts.join('\n') + '\n';
  }
}

async function ledgerSeries(ledger: Ledger): Promise<string[]> {
  const rows = await ledger.query<{ body: string }>(
    "SELECT body FROM runs WHERE seq IN (SELECT MAX(seq) FROM runs WHERE event = 'finished' AND status IN ('pass', 'warn', 'fail') GROUP BY check_id)",
  );
  const head = await ledger.head();
  const notes = await ledger.query<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM current_notifications GROUP BY state');
  return [
    renderGauge(
      'dossier_last_success_timestamp_seconds',
      'When each check last completed with a decision (pass, warn or fail), from the ledger.',
      rows.map((r) => parseBody<Result>(r)).map((r) => ({ labels: { check: r.check }, value: Date.parse(r.finishedAt) / 1000 })),
    ),
    renderGauge('dossier_ledger_head_seq', 'Sequence number of the ledger hash-chain head.', [{ value: head.seq }]),
    renderGauge('dossier_notifications', 'Notifications in the ledger by current state (pending, sent, failed, muted).', notes.map((n) => ({ labels: { state: n.state }, value: Number(n.n) }))),
  ];
}

async function queueSeries(queues: Queue[]): Promise<string[]> {
  const depth: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const q of queues) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    for (const [state, n] of Object.entries(counts)) depth.push({ labels: { queue: q.name, state }, value: n });
  }
  return [renderGauge('dossier_queue_jobs', 'Jobs in each BullMQ queue by state.', depth)];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}
