import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from '../../../src/lib/redact.js';

describe('redaction', () => {
  it.each([
    ['Error: request to https://svc:Tok3n@inv.example.com/x failed', 'Error: request to https://svc:***@inv.example.com/x failed'],
    ['two: redis://:a@h1 and postgres://u:b@h2/db', 'two: redis://:***@h1 and postgres://u:***@h2/db'],
    ['GET https://api/x?token=abc123&page=2 → 500', 'GET https://api/x?token=***&page=2 → 500'],
    ['ENOENT: no such file', 'ENOENT: no such file'],
    ['Authorization: Bearer eyJhbGciOi.x-y', 'Authorization: Bearer ***'],
    ['spaces stay spaces, case stays: Word:', 'spaces stay spaces, case stays: Word:'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('redactUrl hides the password of one URL', () => {
    expect(redactUrl('redis://:s3cret@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
  });
});
