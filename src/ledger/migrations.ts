/**
 * Numbered, forward-only migrations. The SQL is the subset SQLite and PostgreSQL share; where a
 * dialect needs its own text, a migration carries both. Never edit a migration that has shipped:
 * add the next number.
 *
 * Layout: four append-only tables share ONE hash chain through their `seq` (global, gap-free) and
 * `prev_hash`/`hash` columns; `ledger_head` holds the chain's last seq and hash and is the lock
 * every append takes. Each row keeps its details in `body` (canonical JSON) plus a few key
 * columns for lookups; the hash covers the key columns and the body, so neither can be edited
 * unnoticed. Current states (latest run per period, a case's state) are views, never updated rows.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string | { sqlite: string; postgres: string };
}

const chainColumns = `
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  body TEXT NOT NULL`;

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'chain-and-tables',
    sql: `
CREATE TABLE ledger_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');

-- Every attempt of every run: a 'started' row, then 'finished' (status pass|warn|fail|
-- inconclusive, or error when a retry follows) or 'interrupted' (the worker died).
CREATE TABLE runs (${chainColumns},
  run_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  period_key TEXT NOT NULL,
  status TEXT
);
CREATE INDEX runs_check_period ON runs (check_id, period_key, seq);
CREATE INDEX runs_run_id ON runs (run_id);
CREATE INDEX runs_service ON runs (service_id, seq);

-- The latest final attempt per (check, period): what "the result for October" means.
CREATE VIEW latest_runs AS
  SELECT r.* FROM runs r
  WHERE r.event = 'finished' AND r.status <> 'error'
    AND r.seq = (SELECT MAX(x.seq) FROM runs x
                 WHERE x.check_id = r.check_id AND x.period_key = r.period_key
                   AND x.event = 'finished' AND x.status <> 'error');

-- Case lifecycle: opened, seen, acknowledged, resolved, … one row per change.
CREATE TABLE cases (${chainColumns},
  case_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE INDEX cases_case ON cases (case_id, seq);
CREATE INDEX cases_service ON cases (service_id, seq);
CREATE VIEW current_cases AS
  SELECT c.* FROM cases c
  WHERE c.seq = (SELECT MAX(x.seq) FROM cases x WHERE x.case_id = c.case_id);

-- Notifications: pending (written before anything is sent), then sent or failed.
CREATE TABLE notifications (${chainColumns},
  notification_key TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE UNIQUE INDEX notifications_pending_once ON notifications (notification_key) WHERE event = 'pending';
CREATE INDEX notifications_key ON notifications (notification_key, seq);
CREATE VIEW current_notifications AS
  SELECT n.* FROM notifications n
  WHERE n.seq = (SELECT MAX(x.seq) FROM notifications x WHERE x.notification_key = n.notification_key);

-- Things people did: baseline accepted, obligation done, case acknowledged, schedule repaired, …
CREATE TABLE events (${chainColumns},
  subject TEXT NOT NULL,
  service_id TEXT
);
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_event ON events (event, seq);
`,
  },
];

/** Tables in the chain, and the key columns each adds to the common ones. */
export const CHAIN_TABLES = {
  runs: ['run_id', 'check_id', 'service_id', 'period_key', 'status'],
  cases: ['case_id', 'check_id', 'service_id', 'state'],
  notifications: ['notification_key', 'state'],
  events: ['subject', 'service_id'],
} as const;
export type ChainTable = keyof typeof CHAIN_TABLES;
export const COMMON_COLUMNS = ['seq', 'at', 'prev_hash', 'hash', 'event', 'body'] as const;
