import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CaseRecord } from '../../../src/ledger/cases.js';
import { FixedClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { baseConfig, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

function workspace() {
  const { path } = writeConfig(tempWorkspace(), baseConfig({ checks: [{ id: 'assistant-feature-changes', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *' }] }));
  const clock = new FixedClock('2026-11-30T10:00:00+08:00');
  return async (...args: string[]) => {
    let out = '';
    const code = await main([...args, '--config', path], { clock, logger: silentLogger(), out: (t) => (out += `${t}\n`) });
    return { code, out };
  };
}

/** Every command that records a person writes it the same way: `--by` trimmed, blank means the OS user. */
describe('who did it (--by)', () => {
  it('obligation done trims --by like ack does', async () => {
    const cli = workspace();
    const done = await cli('obligation', 'done', 'assistant', 'annual-review', '--on', '2026-03-10', '--by', '  legal-team  ', '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ recorded: true, done: { by: 'legal-team' } });

    await cli('run', 'assistant-feature-changes', '--local', '--period', '2026-11-30');
    const [first] = JSON.parse((await cli('cases', '--json')).out) as CaseRecord[];
    expect((await cli('ack', first!.caseId, '--by', '  legal-team  ')).code).toBe(0);
    const [acked] = JSON.parse((await cli('cases', '--json')).out) as CaseRecord[];
    expect(acked!.acks.map((a) => a.by)).toEqual(['legal-team']);
  });

  it('a blank --by falls back to the OS user', async () => {
    const cli = workspace();
    const done = await cli('obligation', 'done', 'assistant', 'annual-review', '--on', '2026-03-10', '--by', '   ', '--json');
    expect(JSON.parse(done.out)).toMatchObject({ recorded: true, done: { by: userInfo().username } });
  });
});
