import { IANAZone } from 'luxon';
import { cronProblem } from '../calendar/cron.js';
import { displayUrl } from '../inventory/load.js';
import { globProblem } from '../logs/glob.js';
import type { ConfigProblem } from './source.js';

/**
 * Rules that span fields: ids unique, references resolve, cron parses in the zone. They read the
 * raw (interpolated) document defensively, so they run even when the schema found problems
 * elsewhere and `validate` can list every problem in one pass.
 */
export function crossFieldProblems(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const root = asRecord(raw);
  if (!root) return problems;
  const add = (path: Array<string | number>, message: string) => problems.push({ path, message });

  const written = typeof root.timezone === 'string' ? root.timezone : 'Asia/Shanghai';
  if (!IANAZone.isValidZone(written)) {
    add(['timezone'], `"${written}" is not an IANA time zone; use a name like Asia/Shanghai or Europe/Berlin`);
  }
  // Still check cron patterns when the zone is wrong: report every problem in one pass.
  const zone = IANAZone.isValidZone(written) ? written : 'UTC';

  const contacts = asRecord(root.contacts) ?? {};
  const groups = Object.keys(contacts);
  const checkGroups = (path: Array<string | number>, value: unknown) => {
    asArray(value).forEach((g, i) => {
      if (typeof g === 'string' && !(g in contacts)) {
        add([...path, i], `contact group "${g}" is not defined; defined groups: ${groups.length ? groups.join(', ') : '(none: add it under contacts)'}`);
      }
    });
  };

  const services = asArray(root.services);
  const serviceById = new Map<string, Record<string, unknown>>();
  services.forEach((s, i) => {
    const svc = asRecord(s);
    if (!svc || typeof svc.id !== 'string') return;
    if (serviceById.has(svc.id)) add(['services', i, 'id'], `duplicate service id "${svc.id}"; service ids must be unique`);
    else serviceById.set(svc.id, svc);
    sourcePatternProblems(svc).forEach(([path, message]) => add(['services', i, 'sources', ...path], message));
    const obligationIds = new Set<string>();
    asArray(svc.obligations).forEach((o, j) => {
      const oid = asRecord(o)?.id;
      if (typeof oid !== 'string') return;
      if (obligationIds.has(oid)) add(['services', i, 'obligations', j, 'id'], `duplicate obligation id "${oid}" in service "${svc.id}"`);
      obligationIds.add(oid);
    });
  });

  const checkIds = new Set<string>();
  asArray(root.checks).forEach((c, i) => {
    const check = asRecord(c);
    if (!check) return;
    const at = (...rest: Array<string | number>) => ['checks', i, ...rest];
    if (typeof check.id === 'string') {
      if (checkIds.has(check.id)) add(at('id'), `duplicate check id "${check.id}"; check ids must be unique (they are the scheduler ids)`);
      checkIds.add(check.id);
    }
    if (typeof check.cron === 'string' && !check.cron.includes('${')) {
      const problem = cronProblem(check.cron, zone);
      if (problem) add(at('cron'), problem);
    }
    checkGroups(at('notify'), check.notify);
    checkGroups(at('escalate'), check.escalate);

    if (typeof check.service !== 'string') return;
    const svc = serviceById.get(check.service);
    if (!svc) {
      const known = [...serviceById.keys()];
      add(at('service'), `service "${check.service}" is not defined; defined services: ${known.join(', ') || '(none)'}`);
      return;
    }
    sourceProblems(check, svc).forEach((message) => add(at('type'), message));
    thresholdProblems(check).forEach(([path, message]) => add(at(...path), message));
    if (check.type === 'pre-review' && Array.isArray(check.obligations)) {
      const known = asArray(svc.obligations).map((o) => asRecord(o)?.id);
      check.obligations.forEach((oid, j) => {
        if (typeof oid === 'string' && !known.includes(oid)) {
          add(at('obligations', j), `obligation "${oid}" is not defined in service "${svc.id}"; defined: ${known.join(', ') || '(none)'}`);
        }
      });
    }
  });

  const digest = asRecord(root.digest);
  // The digest anchors the hash chain outside the machine: its default recipients must exist too.
  if (digest?.enabled !== false && !Array.isArray(digest?.to) && !('ops' in contacts)) {
    add(['digest'], 'the daily digest goes to contact group "ops" by default, which is not defined; add contacts.ops, set digest.to, or digest.enabled: false');
  }
  if (digest) {
    checkGroups(['digest', 'to'], digest.to);
    if (typeof digest.cron === 'string') {
      const problem = cronProblem(digest.cron, zone);
      if (problem) add(['digest', 'cron'], problem);
    }
  }

  const mail = asRecord(root.mail);
  if (mail?.transport === 'smtp' && !mail.smtp) {
    add(['mail', 'smtp'], 'transport is smtp but mail.smtp is missing; add host, port, user and passwordEnv, or use transport: outbox');
  }
  const smtp = asRecord(mail?.smtp);
  if (smtp && typeof smtp.user === 'string' && smtp.user && !smtp.passwordEnv) {
    add(['mail', 'smtp', 'passwordEnv'], 'user is set but passwordEnv is missing; name the environment variable that holds the SMTP password (e.g. passwordEnv: SMTP_PASSWORD)');
  }

  const calendar = asRecord(root.calendar);
  const workdays = new Set(asArray(calendar?.workdays));
  asArray(calendar?.holidays).forEach((d, i) => {
    if (typeof d === 'string' && workdays.has(d)) {
      add(['calendar', 'holidays', i], `${d} is listed in both calendar.holidays and calendar.workdays; keep it in one of them`);
    }
  });

  const ledgerUrl = asRecord(root.ledger)?.url;
  if (typeof ledgerUrl === 'string' && !/^(sqlite:|postgres(ql)?:\/\/)/.test(ledgerUrl)) {
    add(['ledger', 'url'], `"${ledgerUrl}" is not a supported ledger; use sqlite:PATH or postgres://user@host/db`);
  }
  const redisUrl = asRecord(root.redis)?.url;
  if (typeof redisUrl === 'string' && !/^rediss?:\/\//.test(redisUrl)) {
    add(['redis', 'url'], `"${redisUrl}" is not a Redis URL; use redis://host:6379 or rediss:// for TLS`);
  }
  return problems;
}

/** A check is only useful if its service says where to read; catch that now, not at 2 a.m. */
function sourceProblems(check: Record<string, unknown>, svc: Record<string, unknown>): string[] {
  const sources = asRecord(svc.sources) ?? {};
  const need = (key: string, what: string) =>
    sources[key] ? [] : [`a ${String(check.type)} check needs services[${String(svc.id)}].sources.${key} (${what})`];
  switch (check.type) {
    case 'safety-logs':
      return need('safetyLogs', 'the moderation log files');
    case 'feature-changes':
      return [
        ...need('inventory', 'the current feature inventory'),
        ...(svc.baseline ? [] : [`a feature-changes check needs services[${String(svc.id)}].baseline (the feature set as filed)`]),
      ];
    case 'policy-freshness':
      return [...need('keywordLibrary', 'the keyword library file'), ...need('questionBanks', 'the refuse and answer banks')];
    case 'complaint-sla':
      return need('complaints', 'the complaint ledger');
    case 'pre-review':
      return asArray(svc.obligations).length ? [] : [`a pre-review check needs at least one obligation in services[${String(svc.id)}].obligations`];
    default:
      return [];
  }
}

/**
 * Source values that would only fail at run time: a glob that cannot compile (`[z-a]`), an
 * inventory URL with a user name or password in it (the secret would sit in the config file and
 * in every message that quotes the URL).
 */
function sourcePatternProblems(svc: Record<string, unknown>): Array<[Array<string | number>, string]> {
  const out: Array<[Array<string | number>, string]> = [];
  const sources = asRecord(svc.sources) ?? {};
  const files = asRecord(sources.safetyLogs)?.files;
  const patterns = typeof files === 'string' ? [[files, []] as const] : asArray(files).map((f, j) => [f, [j]] as const);
  for (const [pattern, at] of patterns) {
    if (typeof pattern !== 'string' || pattern.includes('${')) continue;
    const problem = globProblem(pattern);
    if (problem) out.push([['safetyLogs', 'files', ...at], problem]);
  }
  const url = asRecord(sources.inventory)?.url;
  if (typeof url === 'string' && URL.canParse(url)) {
    const u = new URL(url);
    if (u.username || u.password) {
      out.push([
        ['inventory', 'url'],
        `the URL carries a user name or password (${displayUrl(url)}); credentials must not be written in the config: put a bearer token in an environment variable and name it with tokenEnv`,
      ]);
    }
  }
  return out;
}

function thresholdProblems(check: Record<string, unknown>): Array<[Array<string | number>, string]> {
  const out: Array<[Array<string | number>, string]> = [];
  const pair = (path: string[], value: unknown, low: string, high: string) => {
    const r = asRecord(value);
    if (r && typeof r[low] === 'number' && typeof r[high] === 'number' && r[low] > r[high]) {
      out.push([[...path, low], `${low} (${r[low]}) must not exceed ${high} (${r[high]})`]);
    }
  };
  if (check.type === 'safety-logs') pair(['thresholds', 'violationRate'], asRecord(check.thresholds)?.violationRate, 'warn', 'fail');
  if (check.type === 'policy-freshness') {
    pair(['keywordLibrary'], check.keywordLibrary, 'warnDays', 'failDays');
    pair(['questionBanks'], check.questionBanks, 'warnDays', 'failDays');
  }
  return out;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
