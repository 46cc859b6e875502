import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config/load.js';

const FILE = '/etc/dossier/dossier.yaml';

/** A small valid config; each broken case below changes one line of it. */
const VALID = `version: 1
timezone: Asia/Shanghai
contacts:
  ops: [ops@example.com]
services:
  - id: assistant
    name: 智能客服
    filing: { number: F-1 }
    sources:
      keywordLibrary: { file: k.txt }
      questionBanks: { refuse: r.jsonl, answer: a.jsonl }
checks:
  - id: freshness
    type: policy-freshness
    service: assistant
    cron: "0 10 * * 1"
    notify: [ops]
`;

function problems(text: string, env: NodeJS.ProcessEnv = {}): Array<{ line?: number; path: string; message: string }> {
  try {
    parseConfig(FILE, text, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({ line: p.line, path: p.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, ''), message: p.message }));
  }
  return [];
}

describe('config loading', () => {
  it('accepts the valid config and applies defaults', () => {
    const c = parseConfig(FILE, VALID, {});
    expect(c.locale).toBe('zh-CN');
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'dossier' });
    const check = c.checks[0]!;
    expect(check).toMatchObject({ enabled: true, retries: 3, missed: 'once', catchUpDays: 62, timeoutMinutes: 30 });
    expect(check.type === 'policy-freshness' && check.keywordLibrary).toEqual({ minEntries: 10000, warnDays: 7, failDays: 14 });
    // Relative paths resolve against the config file's directory, not the working directory.
    expect(c.services[0]!.sources.keywordLibrary!.file).toBe('/etc/dossier/k.txt');
    expect(c.dataDir).toBe('/etc/dossier/data');
    expect(c.ledger.url).toBe('sqlite:/etc/dossier/data/dossier.db');
  });

  it.each([
    ['bad cron', ['    cron: "0 10 * * 1"', '    cron: "0 25 * * *"'], 16, 'checks[0].cron', /not a valid cron pattern.*expected 5 fields/],
    ['cron with too many fields', ['    cron: "0 10 * * 1"', '    cron: "0 0 10 * * 1 2027"'], 16, 'checks[0].cron', /7 fields; expected 5/],
    ['unknown zone', ['timezone: Asia/Shanghai', 'timezone: Asia/Shangai'], 2, 'timezone', /not an IANA time zone/],
    ['unknown contact group', ['    notify: [ops]', '    notify: [ops, legal]'], 17, 'checks[0].notify[1]', /contact group "legal" is not defined; defined groups: ops/],
    ['unknown service', ['    service: assistant', '    service: nosuch'], 15, 'checks[0].service', /service "nosuch" is not defined; defined services: assistant/],
    ['unknown key', ['    notify: [ops]', '    notify: [ops]\n    enabeld: false'], 18, 'checks[0].enabeld', /unknown key "enabeld" \(did you mean "enabled"\?\); allowed keys here: id, service, cron, enabled/],
    ['wrong type', ['    notify: [ops]', '    notify: [ops]\n    retries: three'], 18, 'checks[0].retries', /expected number, got "three"/],
    ['unknown check type', ['    type: policy-freshness', '    type: magic'], 14, 'checks[0].type', /"magic" is not a known type; allowed: safety-logs, feature-changes, pre-review, policy-freshness, complaint-sla/],
    ['bad locale', ['timezone: Asia/Shanghai', 'timezone: Asia/Shanghai\nlocale: fr'], 3, 'locale', /"fr" is not allowed; allowed: "zh-CN", "en"/],
    ['bad id', ['  - id: freshness', '  - id: Fresh_Ness'], 13, 'checks[0].id', /lowercase letters, digits and dashes/],
    ['missing source', ['      keywordLibrary: { file: k.txt }\n', ''], 13, 'checks[0].type', /needs services\[assistant\].sources.keywordLibrary/],
    ['bad email', ['  ops: [ops@example.com]', '  ops: [not-an-email]'], 4, 'contacts.ops[0]', /not a valid email/],
    [
      'glob with a range out of order',
      ['      keywordLibrary: { file: k.txt }', '      keywordLibrary: { file: k.txt }\n      safetyLogs:\n        files: [logs/*.jsonl, "logs/[z-a]*.csv"]'],
      12,
      'services[0].sources.safetyLogs.files[1]',
      /^the glob segment "\[z-a\]\*\.csv" is not valid \(range out of order in character class\); a character class is \[abc\], \[a-z\] \(low to high\) or \[!abc\]$/,
    ],
    [
      'inventory URL with credentials',
      ['      keywordLibrary: { file: k.txt }', '      keywordLibrary: { file: k.txt }\n      inventory: { url: "https://ops:s3cret@inv.example.com/api/inventory?token=t0k" }'],
      11,
      'services[0].sources.inventory.url',
      /^the URL carries a user name or password \(https:\/\/inv\.example\.com\/api\/inventory\); credentials must not be written in the config: put a bearer token in an environment variable and name it with tokenEnv$/,
    ],
  ])('%s: names the path and the line', (_name, [from, to], line, path, message) => {
    const found = problems(VALID.replace(from!, to!));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line, path });
    expect(found[0]!.message).toMatch(message);
  });

  it('duplicate ids are reported at the second occurrence', () => {
    const text = VALID + `  - id: freshness\n    type: policy-freshness\n    service: assistant\n    cron: "0 11 * * 1"\n`;
    expect(problems(text)).toEqual([{ line: 18, path: 'checks[1].id', message: expect.stringMatching(/duplicate check id "freshness"/) }]);
  });

  it('reports every problem in one pass, sorted by line, formatted file:line path: message', () => {
    const text = VALID.replace('timezone: Asia/Shanghai', 'timezone: Mars/Base')
      .replace('    cron: "0 10 * * 1"', '    cron: "61 * * * *"')
      .replace('    notify: [ops]', '    notify: [nobody]\n    thresholds: {}');
    let error: ConfigError | undefined;
    try {
      parseConfig(FILE, text, {});
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.exitCode).toBe(2);
    expect(error!.problems.map((p) => p.line)).toEqual([2, 16, 17, 18]);
    const lines = error!.message.split('\n').slice(1).map((l) => l.trim());
    expect(lines[0]).toMatch(/^\/etc\/dossier\/dossier\.yaml:2 timezone: "Mars\/Base" is not an IANA time zone/);
    expect(lines[3]).toMatch(/^\/etc\/dossier\/dossier\.yaml:18 checks\[0\]\.thresholds: unknown key "thresholds"/);
  });

  it('interpolates ${VAR} and ${VAR:-default}; a bare reference keeps its YAML type', () => {
    const text = VALID.replace('timezone: Asia/Shanghai', 'timezone: ${TZ_NAME:-Asia/Shanghai}\nredis:\n  url: redis://${REDIS_HOST}:6379\n  prefix: "p-${SUFFIX:-x}"\nworkers:\n  concurrency: ${CONC:-2}');
    const c = parseConfig(FILE, text, { REDIS_HOST: 'cache.internal', CONC: '8' });
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.redis.url).toBe('redis://cache.internal:6379');
    expect(c.redis.prefix).toBe('p-x');
    expect(c.workers.concurrency).toBe(8);
  });

  it('a value from the environment cannot inject YAML structure', () => {
    const text = VALID.replace('    name: 智能客服', '    name: ${NAME}');
    const c = parseConfig(FILE, text, { NAME: 'x\nevil: [1, 2]' });
    expect(c.services[0]!.name).toBe('x\nevil: [1, 2]');
  });

  it('an unset variable without default is an error at its line', () => {
    const found = problems(VALID.replace('    name: 智能客服', '    name: ${SERVICE_NAME}'));
    expect(found).toEqual([{ line: 7, path: 'services[0].name', message: expect.stringMatching(/environment variable SERVICE_NAME is not set; set it, or write \$\{SERVICE_NAME:-default\}/) }]);
  });

  it('reads JSON with the same rules and line numbers', () => {
    const json = JSON.stringify(
      { version: 1, services: [{ id: 'a', name: 'A', filing: { number: 'F' } }], checks: [], digest: { enabled: false }, bogus: true },
      null,
      2,
    );
    const found = problems(json);
    expect(found).toEqual([{ line: 16, path: 'bogus', message: expect.stringMatching(/unknown key "bogus"/) }]);
  });

  it('a YAML syntax error names its line', () => {
    const found = problems(VALID.replace('    notify: [ops]', '    notify: [ops'));
    expect(found[0]!.message).toMatch(/YAML syntax error/);
    expect(found[0]!.line).toBeGreaterThanOrEqual(17);
  });

  it('never repeats a secret: values from the environment are named, *Env values hidden, URL passwords masked', () => {
    const text = VALID.replace('timezone: Asia/Shanghai', `timezone: Asia/Shanghai
ledger: { url: "\${DOSSIER_LEDGER_URL}" }
redis: { url: "rediss://:literal-pw@cache:6380/0?x=1", prefix: "p" }
mail:
  transport: smtp
  smtp:
    host: h
    user: u
    passwordEnv: \${SMTP_PASSWORD}`);
    const found = problems(text, { DOSSIER_LEDGER_URL: 'mysql://admin:S3cretPW@db/x', SMTP_PASSWORD: 'hunter2-Secret' });
    const all = found.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(all).not.toMatch(/S3cretPW|hunter2|literal-pw/);
    expect(all).toMatch(/ledger\.url: \(the value of \$DOSSIER_LEDGER_URL\) is not a supported ledger/);
    expect(all).toMatch(/mail\.smtp\.passwordEnv: \(the value of \$SMTP_PASSWORD\) must be an environment variable name/);
  });

  it('the digest\'s default recipients must exist', () => {
    const noOps = VALID.replace('  ops: [ops@example.com]', '  legal: [legal@example.com]').replace('    notify: [ops]', '    notify: [legal]');
    expect(problems(noOps)).toEqual([{ line: 1, path: 'digest', message: expect.stringMatching(/goes to contact group "ops" by default, which is not defined/) }]);
    expect(problems(noOps + 'digest: { enabled: false }\n')).toEqual([]);
    expect(problems(noOps + 'digest: { to: [legal] }\n')).toEqual([]);
  });

  it('a missing file says how to point at one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(() => loadConfig(join(dir, 'nope.yaml'), {})).toThrow(/file not found; pass --config FILE, set DOSSIER_CONFIG/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(() => loadConfig(join(dir, 'list.yaml'), {})).toThrow(/must hold a mapping/);
  });
});
