import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/normalize.js';

/**
 * A small valid config for tests and benchmarks of scheduling: one service `s` with the sources
 * policy-freshness and safety-logs need (paths that need not exist), one obligation (for
 * pre-review), no digest scheduler (its own
 * tests cover it), and the given YAML lines under `checks:`. `head` adds top-level keys.
 */
export function minimalConfig(checks: string, head = ''): Config {
  return parseConfig(
    '/cfg/dossier.yaml',
    `version: 1
${head}
digest: { enabled: false }
services:
  - id: s
    name: S
    filing: { number: F }
    obligations: [{ id: o, title: O, due: "2027-01-01" }]
    sources:
      keywordLibrary: { file: k }
      questionBanks: { refuse: r, answer: a }
      safetyLogs: { files: "*.jsonl" }
checks:
${checks}`,
    {},
  );
}
