import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { REPO } from '../../helpers/workspace.js';

/**
 * There is no Docker engine on the build machine, so docker-compose.yml is checked here: the
 * production settings the daemon relies on, and that the shipped config is valid with each
 * service's environment.
 */
const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; profiles?: string[]; deploy?: { replicas?: number }; depends_on?: Record<string, unknown> }>;
};
const s = compose.services;

describe('docker-compose.yml', () => {
  it('runs Redis with AOF and without eviction', () => {
    expect(s.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(s.redis!.profiles).toBeUndefined(); // `docker compose up -d redis` works without a profile
  });

  it('the scale profile has PostgreSQL, one scheduler and two workers on the PostgreSQL ledger', () => {
    expect(s.postgres!.profiles).toEqual(['scale']);
    expect(s.scheduler!.command).toEqual(['node', 'bin/dossier.js', 'start', '--role', 'scheduler']);
    expect(s.worker!.command).toEqual(['node', 'bin/dossier.js', 'start', '--role', 'worker']);
    expect(s.worker!.deploy?.replicas).toBe(2);
    for (const svc of ['scheduler', 'worker']) {
      expect(s[svc]!.environment!.DOSSIER_LEDGER_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(Object.keys(s[svc]!.depends_on!)).toEqual(expect.arrayContaining(['install', 'redis', 'postgres']));
    }
  });

  it.each(['dossier', 'scheduler', 'worker'])('the shipped config is valid with the environment of %s', (svc) => {
    const env = s[svc]!.environment!;
    const config = loadConfig(join(REPO, 'config/dossier.yaml'), env);
    expect(config.redis.url).toBe('redis://redis:6379');
    expect(config.mail.transport).toBe('smtp');
    expect(config.mail.smtp).toMatchObject({ host: 'mailcatcher', port: 1025, secure: false });
    if (env.DOSSIER_LEDGER_URL) expect(config.ledger.url).toBe(env.DOSSIER_LEDGER_URL);
  });
});
