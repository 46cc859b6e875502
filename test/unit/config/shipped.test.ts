import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaText } from '../../../src/config/json-schema.js';
import { loadConfig } from '../../../src/config/load.js';
import { REPO } from '../../helpers/workspace.js';

describe('shipped config', () => {
  it('is valid and resolves paths against the config directory', () => {
    const config = loadConfig(join(REPO, 'config/dossier.yaml'), {});
    expect(config.services.map((s) => s.id)).toEqual(['assistant']);
    expect(config.checks.map((c) => c.type).sort()).toEqual(['complaint-sla', 'feature-changes', 'policy-freshness', 'pre-review', 'safety-logs']);
    expect(config.dataDir).toBe(join(REPO, 'data'));
    expect(config.ledger.url).toBe(`sqlite:${join(REPO, 'data/dossier.db')}`);
    expect(config.services[0]!.sources.keywordLibrary!.file).toBe(join(REPO, 'examples/assistant/policies/keywords.txt'));
    expect(config.mail.transport).toBe('outbox');
  });

  it('config/dossier.schema.json is what the zod schema generates (run `npm run schema`)', () => {
    expect(readFileSync(join(REPO, 'config/dossier.schema.json'), 'utf8')).toBe(configJsonSchemaText());
  });
});
