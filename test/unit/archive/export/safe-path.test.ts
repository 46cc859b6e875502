import { describe, expect, it } from 'vitest';
import { isSafeArchivePath } from '../../../../src/archive/export/export.js';

describe('evidence paths the package accepts', () => {
  it.each([
    ['assistant/assistant-safety-logs/2026-10/20261101T020000-ab12/events.jsonl.gz', true],
    ['assistant/_baselines/2026-06-12/20260612T100000-cd34/accepted-baseline.yaml', true],
    ['assistant/check/2026-10/run/.hidden', true],
    ['assistant/../other/file', false],
    ['assistant/./file', false],
    ['/etc/passwd', false],
    ['assistant//file', false],
    ['assistant/file/', false],
    ['', false],
    ['assistant\\..\\file', false],
    ['assistant/文件.txt', false],
  ])('%s → %s', (path, ok) => expect(isSafeArchivePath(path)).toBe(ok));
});
