import type { Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/**
 * The notification pipeline is a row of small stages with one interface (Alertmanager's
 * notify.Stage / MultiStage): each takes the item, and either passes it on (possibly enriched)
 * or stops it with a reason. Intake (in the process that ran the check) is
 * dedup → mute → render → queue; delivery (in the notification worker) is send → record.
 */
export interface Stage<T> {
  readonly name: string;
  exec(item: T): Promise<T | Stop>;
}

export interface Stop {
  stop: true;
  reason: string;
}

export function stop(reason: string): Stop {
  return { stop: true, reason };
}

function isStop(x: unknown): x is Stop {
  return typeof x === 'object' && x !== null && (x as Stop).stop === true;
}

export type StagesOutcome<T> = { done: true; item: T } | { done: false; stage: string; reason: string };

/** Runs the stages in order until one stops the item. */
export async function runStages<T>(stages: Array<Stage<T>>, item: T): Promise<StagesOutcome<T>> {
  let current = item;
  for (const stage of stages) {
    const out = await stage.exec(current);
    if (isStop(out)) return { done: false, stage: stage.name, reason: out.reason };
    current = out;
  }
  return { done: true, item: current };
}

/** What stages read; `config` is a function so a SIGHUP reload reaches running workers. */
export interface NotifyEnv {
  config: () => Config;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
}
