import type { CaseRecord, CaseResolution } from '../../ledger/cases.js';
import type { GatherContext } from './gather.js';
import { asRecord, byCodeUnits } from './gather-sections.js';
import type { CaseView, EventView, EvidenceItem, NotificationView } from './model.js';

/**
 * Cases, notifications and events of the service, read from their ledger tables. The bodies
 * of these rows are written by other parts of Dossier (and by later versions of them), so each
 * field is picked defensively: a lifecycle row may carry only what changed, so a record's view
 * is its rows' bodies merged oldest first, and the state is the latest row's.
 */

interface RecordRow {
  seq: number | string;
  at: string;
  event: string;
  state: string;
  body: string;
  [key: string]: unknown;
}

function parse(row: RecordRow): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(row.body));
  } catch {
    return {};
  }
}

function group<K extends string>(rows: RecordRow[], key: K): Map<string, RecordRow[]> {
  const out = new Map<string, RecordRow[]>();
  for (const row of rows) {
    const id = String(row[key]);
    out.set(id, [...(out.get(id) ?? []), row]);
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Cases open at any moment of the window: first seen before its end, not resolved before its
 * start. Every case row carries the whole case after the change (src/ledger/cases.ts), so the
 * latest row is the case; the fields are read through CaseRecord's own names.
 */
export async function gatherCases(ctx: GatherContext): Promise<CaseView[]> {
  const rows = await ctx.ledger.query<RecordRow>(
    'SELECT seq, at, event, case_id, check_id, state, body FROM cases WHERE service_id = ? AND seq <= ? ORDER BY seq',
    [ctx.service.id, ctx.head],
  );
  const out: Array<CaseView & { order: string }> = [];
  for (const [caseId, list] of group(rows, 'case_id')) {
    const first = list[0]!;
    const last = list.at(-1)!;
    if (first.at >= ctx.endIso) continue;
    if (last.state === 'resolved' && last.at < ctx.startIso) continue;
    const record: Partial<CaseRecord> = parse(last);
    const r: Partial<CaseResolution> = asRecord(record.resolution);
    out.push({
      caseId,
      check: String(first.check_id),
      code: str(record.code),
      title: str(record.title),
      state: last.state,
      firstSeen: str(record.firstSeen) ?? first.at,
      deadline: str(record.deadline),
      resolution:
        last.state === 'resolved'
          ? { reason: str(r.reason), by: str(r.by), at: str(r.at) ?? last.at, ref: str(r.ref), note: str(r.note) }
          : undefined,
      order: str(record.firstSeenAt) ?? first.at,
    });
  }
  return out.sort((a, b) => byCodeUnits(a.order, b.order) || byCodeUnits(a.caseId, b.caseId)).map(({ order: _, ...c }) => c);
}

/**
 * Notifications first recorded in the window. The table has no service column, so a
 * notification belongs to this service when its key or body (its `origin`) names the service, one of its
 * checks or one of its cases; one that names another service is left out; one that names none
 * (the daily digest) is general and shown as such.
 */
export async function gatherNotifications(ctx: GatherContext, caseIds: string[]): Promise<NotificationView[]> {
  const rows = await ctx.ledger.query<RecordRow>(
    `SELECT seq, at, event, notification_key, state, body FROM notifications
     WHERE seq <= ? AND notification_key IN (
       SELECT notification_key FROM notifications WHERE seq <= ?
       GROUP BY notification_key HAVING MIN(at) >= ? AND MIN(at) < ?)
     ORDER BY seq`,
    [ctx.head, ctx.head, ctx.startIso, ctx.endIso],
  );
  const mine = new Set([ctx.service.id, ...ctx.config.checks.filter((c) => c.service === ctx.service.id).map((c) => c.id), ...caseIds]);
  const others = new Set([
    ...ctx.config.services.filter((s) => s.id !== ctx.service.id).map((s) => s.id),
    ...ctx.config.checks.filter((c) => c.service !== ctx.service.id).map((c) => c.id),
  ]);
  const items: NotificationView[] = [];
  for (const [key, list] of group(rows, 'notification_key')) {
    const body: Record<string, unknown> = Object.assign({}, ...list.map(parse));
    const origin = asRecord(body.origin);
    const tokens = [
      ...key.split(/[:/]/),
      ...['service', 'serviceId', 'check', 'checkId', 'caseId'].map((k) => str(body[k])),
      str(origin.service),
      str(origin.checkId),
    ].filter((t): t is string => !!t);
    const general = !tokens.some((t) => mine.has(t));
    if (general && tokens.some((t) => others.has(t))) continue;
    const sentRow = [...list].reverse().find((r) => r.state === 'sent');
    items.push({
      key,
      state: list.at(-1)!.state,
      createdAt: list[0]!.at,
      sentAt: str(body.sentAt) ?? sentRow?.at,
      recipients: recipientsOf(body),
      subject: str(body.subject),
      general,
    });
  }
  return items.sort((a, b) => byCodeUnits(a.createdAt, b.createdAt) || byCodeUnits(a.key, b.key));
}

function recipientsOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(add);
    const s = str(v) ?? str(asRecord(v).address) ?? str(asRecord(v).email);
    if (s && !out.includes(s)) out.push(s);
  };
  for (const field of ['recipients', 'to', 'cc', 'bcc']) add(body[field]);
  return out;
}

/** Things people did for this service in the window (baseline accepted, obligation done, acks). */
export async function gatherEvents(ctx: GatherContext): Promise<{ items: EventView[]; evidence: EvidenceItem[] }> {
  const rows = await ctx.ledger.query<RecordRow & { subject: string; service_id: string | null }>(
    'SELECT seq, at, event, subject, service_id, body FROM events WHERE seq <= ? AND at >= ? AND at < ? ORDER BY seq',
    [ctx.head, ctx.startIso, ctx.endIso],
  );
  const checks = new Set(ctx.config.checks.filter((c) => c.service === ctx.service.id).map((c) => c.id));
  const items: EventView[] = [];
  const evidence: EvidenceItem[] = [];
  for (const row of rows) {
    if (row.service_id !== ctx.service.id && !checks.has(row.subject) && row.subject !== ctx.service.id) continue;
    const body = parse(row);
    const seq = Number(row.seq);
    const details: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(body)) {
      const s = typeof v === 'boolean' ? String(v) : str(v);
      if (s && details.length < 6) details.push([k, s.length > 120 ? `${s.slice(0, 117)}…` : s]);
    }
    items.push({ at: row.at, event: row.event, subject: row.subject, details });
    for (const ref of Array.isArray(body.evidence) ? body.evidence : []) {
      const r = asRecord(ref);
      if (typeof r.path === 'string' && typeof r.sha256 === 'string' && typeof r.bytes === 'number') {
        evidence.push({ path: r.path, sha256: r.sha256, bytes: r.bytes, seq });
      }
    }
  }
  return { items, evidence };
}
