import { z } from 'zod';

/**
 * The written config (spec section 3), as ops type it. Every object is strict (unknown keys are
 * errors: a typo must not silently disable a check), every field carries a description (it ends
 * up in config/dossier.schema.json for editors) and its default is declared here, once.
 *
 * Cross-field rules (ids exist, groups exist, cron parses, zone exists) live in rules.ts;
 * turning relative paths into absolute ones lives in normalize.ts.
 */

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const id = (what: string) =>
  z
    .string()
    .regex(ID_PATTERN, { message: `must be lowercase letters, digits and dashes, starting with a letter or digit (${what})` })
    .max(64)
    .describe(`Stable ${what}: [a-z0-9-]+. It keys schedules, ledger rows and archive folders, so never rename it.`);

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'is not a real calendar date',
  });

const groupList = z.array(z.string().min(1)).describe('Contact group names (keys of `contacts`).');

const pathString = z.string().min(1);

// ---------------------------------------------------------------------------------------------
// Services

const obligationDue = z.union([
  isoDate.describe('One due date, YYYY-MM-DD.'),
  z
    .strictObject({
      every: z.enum(['year', 'quarter', 'month']).describe('Recurrence of the duty.'),
      from: isoDate.describe('Anchor of the series (e.g. the filing approval date); due dates fall one period after it, two periods after it, and so on.'),
    })
    .describe('A recurring due date.'),
]);

export const obligationSchema = z
  .strictObject({
    id: id('obligation id'),
    title: z.string().min(1).describe('Human title, shown in reminders (in the configured locale).'),
    due: obligationDue.describe('`YYYY-MM-DD`, or `{ every: year|quarter|month, from: YYYY-MM-DD }`.'),
  })
  .describe('A dated duty that pre-review reminds about (annual self-inspection, filing anniversary, …).');

const fieldMapping = z
  .strictObject({
    ts: z.string().min(1).default('ts').describe('Field holding the event time (ISO-8601 with offset, or epoch milliseconds; ISO without offset is read in the configured timezone).'),
    verdict: z.string().min(1).default('verdict').describe('Field holding the moderation verdict.'),
    category: z.string().min(1).default('category').describe('Field holding the violation category (optional in events).'),
    requestId: z.string().min(1).default('requestId').describe('Field holding the request id (optional in events).'),
  })
  .describe('Names of the event fields in the source, when they differ from the defaults.');

const verdictMapping = z
  .strictObject({
    pass: z.array(z.string()).default([]).describe('Extra source values meaning `pass`.'),
    block: z.array(z.string()).default([]).describe('Extra source values meaning `block`.'),
    review: z.array(z.string()).default([]).describe('Extra source values meaning `review`.'),
  })
  .describe('Source verdict values mapped onto pass | block | review (the canonical names always work).');

const safetyLogsSource = z
  .strictObject({
    files: z
      .union([pathString, z.array(pathString).min(1)])
      .describe('A glob or a list of globs; JSONL or CSV, plain or .gz. Relative to the config file.'),
    format: z.enum(['jsonl', 'csv']).optional().describe('Force the format; by default taken from the file extension.'),
    fields: fieldMapping.optional(),
    verdicts: verdictMapping.optional(),
  })
  .describe('Moderation events (运营日志 / 风控记录).');

const inventorySource = z
  .union([
    z.strictObject({
      file: pathString.describe('YAML or JSON inventory file of the running service.'),
    }),
    z.strictObject({
      url: z.url({ protocol: /^https?$/ }).describe('HTTP(S) URL returning the inventory as JSON or YAML.'),
      tokenEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name' })
        .optional()
        .describe('Environment variable holding a bearer token; the token itself never goes in the file.'),
      timeoutSeconds: z.number().positive().max(300).default(10).describe('Request timeout.'),
    }),
  ])
  .describe('Where the current feature inventory comes from: `{ file }` or `{ url, tokenEnv?, timeoutSeconds? }`.');

const complaintFields = z
  .strictObject({
    id: z.string().min(1).default('id'),
    receivedAt: z.string().min(1).default('receivedAt'),
    channel: z.string().min(1).default('channel'),
    category: z.string().min(1).default('category'),
    respondedAt: z.string().min(1).default('respondedAt'),
    resolvedAt: z.string().min(1).default('resolvedAt'),
  })
  .describe('Names of the complaint fields in the source, when they differ from the defaults.');

const complaintsSource = z
  .strictObject({
    file: pathString.describe('Complaint ledger (用户反馈处理台账), CSV or JSONL.'),
    format: z.enum(['jsonl', 'csv']).optional().describe('Force the format; by default taken from the file extension.'),
    fields: complaintFields.optional(),
  })
  .describe('The user-feedback / complaint ledger.');

const sourcesSchema = z
  .strictObject({
    safetyLogs: safetyLogsSource.optional(),
    inventory: inventorySource.optional(),
    complaints: complaintsSource.optional(),
    keywordLibrary: z
      .strictObject({ file: pathString.describe('One keyword per line; `#` starts a comment.') })
      .optional()
      .describe('The keyword library (关键词库).'),
    questionBanks: z
      .strictObject({
        refuse: pathString.describe('Should-refuse bank (拒答题库): JSONL, CSV or one question per line.'),
        answer: pathString.describe('Should-answer bank (非拒答题库): JSONL, CSV or one question per line.'),
      })
      .optional()
      .describe('The test question banks.'),
  })
  .describe('Where each check reads its evidence. Paths are relative to the config file.');

export const serviceSchema = z
  .strictObject({
    id: id('service id'),
    name: z.string().min(1).describe('Display name, as filed.'),
    filing: z
      .strictObject({
        number: z.string().min(1).describe('Filing number / launch number (备案号 / 上线编号).'),
        approvedOn: isoDate.optional().describe('Date the filing was approved.'),
        kind: z.enum(['filing', 'registration']).default('filing').describe('备案 (filing) or 登记 (registration).'),
      })
      .describe('The filing this service runs under.'),
    obligations: z.array(obligationSchema).default([]).describe('Dated duties; pre-review reminds about them.'),
    baseline: pathString.optional().describe('The feature set as filed (same format as the inventory).'),
    sources: sourcesSchema.default({}),
  })
  .describe('A filed generative-AI service.');

// ---------------------------------------------------------------------------------------------
// Checks

const checkCommon = {
  id: id('check id; it is also the BullMQ job scheduler id'),
  service: z.string().min(1).describe('Id of the service this check watches.'),
  cron: z
    .string()
    .min(1)
    .describe('Cron pattern in the configured timezone: 5 fields (minute hour day month weekday) or 6 with seconds first.'),
  enabled: z.boolean().default(true).describe('false keeps the check in config but removes its schedule.'),
  retries: z.int().min(1).max(20).default(3).describe('Attempts per run, with exponential backoff between them.'),
  retryDelaySeconds: z.number().min(0.01).max(3600).default(30).describe('Wait before the second attempt; doubles for each further one.'),
  timeoutMinutes: z.number().positive().max(24 * 60).default(30).describe('A run that takes longer is abandoned and recorded inconclusive.'),
  missed: z
    .enum(['skip', 'once', 'all'])
    .optional()
    .describe('Periods that passed while nothing ran: skip them, run the latest once, or run all (default: all for monthly checks, once for daily ones).'),
  catchUpDays: z.int().min(0).max(400).default(62).describe('How far back missed periods are caught up.'),
  graceMinutes: z.number().min(0.1).max(7 * 24 * 60).default(60).describe('Watchdog: how late a run may be before it is reported as missing.'),
  notify: groupList.default([]),
  escalate: groupList.default([]).describe('Contact groups copied on overdue cases and escalating reminders.'),
  mute: z
    .union([
      z.boolean(),
      z.strictObject({
        until: isoDate.describe('Mute until this date (inclusive), in the configured timezone.'),
        reason: z.string().optional().describe('Why it is muted; shown in status.'),
      }),
    ])
    .default(false)
    .describe('Suppress this check\'s emails (results are still recorded).'),
};

const rateThreshold = z
  .strictObject({
    warn: z.number().min(0).max(1).default(0.01).describe('warn when the rate exceeds this.'),
    fail: z.number().min(0).max(1).default(0.03).describe('fail when the rate exceeds this.'),
  })
  .describe('Threshold pair for a rate in [0, 1].');

export const safetyLogsCheck = z
  .strictObject({
    ...checkCommon,
    type: z.literal('safety-logs'),
    thresholds: z
      .strictObject({ violationRate: rateThreshold.default({ warn: 0.01, fail: 0.03 }) })
      .default({ violationRate: { warn: 0.01, fail: 0.03 } })
      .describe('Limits on blocked / total.'),
    maskPersonalData: z.boolean().default(true).describe('Mask phone numbers, ID numbers and emails in the archived events.'),
    malformedWarnRatio: z.number().min(0).max(1).default(0.01).describe('A finding is raised when malformed lines exceed this share of lines.'),
  })
  .describe('Monthly safety-log collection (运营日志 / 风控记录).');

export const featureChangesCheck = z
  .strictObject({
    ...checkCommon,
    type: z.literal('feature-changes'),
    changeFilingWorkingDays: z.int().min(1).max(100).default(10).describe('Working days allowed to file a change (算法推荐管理规定 Art. 24).'),
  })
  .describe('Unreported feature changes (未报备的新增功能).');

export const preReviewCheck = z
  .strictObject({
    ...checkCommon,
    type: z.literal('pre-review'),
    leadDays: z.array(z.int().min(0).max(366)).min(1).default([60, 30, 14, 7, 3, 1]).describe('Days before the due date on which a reminder is sent.'),
    escalateWithinDays: z.int().min(0).max(366).default(7).describe('From this many days before the due date on, the escalate group is copied.'),
    obligations: z.array(z.string()).optional().describe('Obligation ids to watch; default: all of the service.'),
  })
  .describe('Pre-review alerts (年审 / 复审 提醒).');

export const policyFreshnessCheck = z
  .strictObject({
    ...checkCommon,
    type: z.literal('policy-freshness'),
    keywordLibrary: z
      .strictObject({
        minEntries: z.int().min(0).default(10_000).describe('fail below this many entries (TC260-003).'),
        warnDays: z.number().min(0).default(7).describe('warn when unchanged for more than this many days.'),
        failDays: z.number().min(0).default(14).describe('fail when unchanged for more than this many days.'),
      })
      .default({ minEntries: 10_000, warnDays: 7, failDays: 14 }),
    questionBanks: z
      .strictObject({
        minEntries: z.int().min(0).default(500).describe('fail below this many entries, per bank.'),
        warnDays: z.number().min(0).default(24).describe('warn when unchanged for more than this many days.'),
        failDays: z.number().min(0).default(31).describe('fail when unchanged for more than this many days.'),
      })
      .default({ minEntries: 500, warnDays: 24, failDays: 31 }),
  })
  .describe('Keyword library and test banks kept current (关键词库 / 测试题库).');

export const complaintSlaCheck = z
  .strictObject({
    ...checkCommon,
    type: z.literal('complaint-sla'),
    slaWorkingDays: z.int().min(1).max(100).default(15).describe('Response limit in working days.'),
    warnRatio: z.number().min(0).max(1).default(0.7).describe('An open complaint past this share of its limit is a warn case.'),
  })
  .describe('Complaint handling times (用户反馈处理台账).');

export const checkSchema = z.discriminatedUnion('type', [
  safetyLogsCheck,
  featureChangesCheck,
  preReviewCheck,
  policyFreshnessCheck,
  complaintSlaCheck,
]);

export const CHECK_TYPES = ['safety-logs', 'feature-changes', 'pre-review', 'policy-freshness', 'complaint-sla'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Root

export const configSchema = z
  .strictObject({
    version: z.literal(1).describe('Config format version; always 1.'),
    timezone: z.string().default('Asia/Shanghai').describe('IANA zone: cron, periods and days left are computed in it.'),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN').describe('Language of emails and reports.'),
    dataDir: pathString.default('./data').describe('Default home of the ledger, archive and mail outbox; relative to the config file.'),
    redis: z
      .strictObject({
        url: z.string().default('redis://127.0.0.1:6379').describe('Redis URL (redis:// or rediss://).'),
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/, { message: 'must be letters, digits, _ . -' })
          .default('dossier')
          .describe('Key prefix; Dossier only ever touches schedules under it.'),
      })
      .default({ url: 'redis://127.0.0.1:6379', prefix: 'dossier' }),
    ledger: z
      .strictObject({
        url: z.string().optional().describe('sqlite:PATH (default sqlite:<dataDir>/dossier.db) or postgres://user@host/db.'),
        writeRetrySeconds: z
          .number()
          .min(0)
          .max(3600)
          .default(120)
          .describe('How long a finished run keeps retrying its ledger write (database down) before it is spooled to <dataDir>/spool.'),
      })
      .default({ writeRetrySeconds: 120 }),
    archive: z
      .strictObject({ dir: pathString.optional().describe('Evidence archive directory (default <dataDir>/archive).') })
      .default({}),
    calendar: z
      .strictObject({
        region: z.literal('CN').default('CN').describe('Public holidays and make-up workdays (调休) of mainland China.'),
        holidays: z.array(isoDate).default([]).describe('Extra non-working dates.'),
        workdays: z.array(isoDate).default([]).describe('Extra working dates.'),
      })
      .default({ region: 'CN', holidays: [], workdays: [] }),
    mail: z
      .strictObject({
        from: z.string().min(3).default('Dossier <dossier@localhost>').describe('From header, e.g. "AI 合规助手 <compliance@example.com>".'),
        transport: z.enum(['outbox', 'smtp']).default('outbox').describe('outbox: write .eml files under <dataDir>/outbox; smtp: send.'),
        smtp: z
          .strictObject({
            host: z.string().min(1),
            port: z.int().min(1).max(65535).default(465),
            secure: z.boolean().default(true).describe('TLS from the start (port 465); false uses STARTTLS when offered.'),
            requireTLS: z.boolean().default(false).describe('Refuse to send unless STARTTLS succeeds.'),
            user: z.string().optional(),
            passwordEnv: z
              .string()
              .regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name' })
              .optional()
              .describe('Environment variable holding the SMTP password; the password never goes in the file.'),
            pool: z.boolean().default(true).describe('Keep connections open between messages.'),
          })
          .optional(),
        retries: z.int().min(1).max(30).default(8).describe('Delivery attempts per email for recoverable failures (connection refused, timeout, 4xx).'),
        retryDelaySeconds: z.number().min(0.01).max(3600).default(30).describe('Wait before the second delivery attempt; doubles for each further one.'),
        quietHours: z
          .strictObject({
            start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' }),
            end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' }),
          })
          .optional()
          .describe('Hold non-urgent emails during these local hours; they go out when the quiet hours end.'),
      })
      .default({ from: 'Dossier <dossier@localhost>', transport: 'outbox', retries: 8, retryDelaySeconds: 30 }),
    digest: z
      .strictObject({
        enabled: z.boolean().default(true),
        cron: z.string().default('30 8 * * *').describe('When the daily digest is sent.'),
        to: groupList.default(['ops']),
        skipWhenUnchanged: z.boolean().default(false).describe('Skip the digest on days when nothing changed.'),
      })
      .default({ enabled: true, cron: '30 8 * * *', to: ['ops'], skipWhenUnchanged: false })
      .describe('The daily digest email: last runs, open cases, failed emails and the ledger chain head.'),
    contacts: z
      .record(z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'group names are letters, digits, _ and -' }), z.array(z.email()).min(1))
      .default({})
      .describe('Named recipient groups; checks refer to them by name.'),
    workers: z
      .strictObject({
        concurrency: z.int().min(1).max(256).default(4).describe('Checks run at the same time in one worker process.'),
        stalledSeconds: z
          .number()
          .min(1)
          .max(600)
          .default(30)
          .describe('A worker that stops renewing its job lock for this long (killed, frozen) is presumed dead; its job runs again.'),
      })
      .default({ concurrency: 4, stalledSeconds: 30 }),
    scheduler: z
      .strictObject({
        leaseSeconds: z.number().min(1).max(600).default(30).describe('Only one scheduler process is active; a dead one is replaced within about this long.'),
        catchUpMinutes: z.number().min(0.05).max(24 * 60).default(60).describe('How often missed periods are looked for.'),
        watchdogMinutes: z.number().min(0.05).max(24 * 60).default(5).describe('How often schedulers in Redis are checked against config.'),
      })
      .default({ leaseSeconds: 30, catchUpMinutes: 60, watchdogMinutes: 5 })
      .describe('The scheduler role: leader election, catch-up and watchdog intervals.'),
    http: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve /healthz and /metrics.'),
        host: z.string().default('127.0.0.1').describe('Bind address; keep it on loopback unless a proxy guards it.'),
        port: z.int().min(0).max(65535).default(9464).describe('Port (0 picks a free one).'),
      })
      .default({ enabled: true, host: '127.0.0.1', port: 9464 })
      .describe('Health and Prometheus metrics endpoint of `dossier start`.'),
    services: z.array(serviceSchema).min(1).describe('The filed services.'),
    checks: z.array(checkSchema).default([]).describe('The checks; each becomes a BullMQ job scheduler.'),
  })
  .describe('Dossier configuration (config/dossier.yaml).');

export type WrittenConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedService = z.output<typeof serviceSchema>;
export type ParsedCheck = z.output<typeof checkSchema>;
export type Obligation = z.output<typeof obligationSchema>;
