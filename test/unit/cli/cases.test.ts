import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { FixedClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { CaseRecord } from '../../../src/ledger/cases.js';
import { runCli } from '../../helpers/cli.js';
import { baseConfig, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

function workspace(locale = 'zh-CN') {
  const dir = tempWorkspace();
  const { path } = writeConfig(dir, baseConfig({ locale, checks: [{ id: 'assistant-feature-changes', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *' }] }));
  const clock = new FixedClock('2026-11-30T10:00:00+08:00');
  const cli = async (...args: string[]) => {
    let out = '';
    const code = await main([...args, '--config', path], { clock, logger: silentLogger(), out: (t) => (out += `${t}\n`) });
    return { code, out };
  };
  return { path, clock, cli };
}

describe('dossier cases / ack / baseline accept', () => {
  it('lists cases, acknowledges one, and baseline accept closes them with the reference', async () => {
    const { cli, clock } = workspace();
    expect((await cli('cases')).out).toContain('还没有案件');
    expect((await cli('run', 'assistant-feature-changes', '--local', '--period', '2026-11-30')).code).toBe(0);

    const list = await cli('cases', '--open');
    const cases = JSON.parse((await cli('cases', '--json')).out) as CaseRecord[];
    expect(cases.map((c) => c.code)).toEqual(['feature-added', 'scope-expanded']);
    for (const c of cases) expect(list.out).toContain(c.caseId);
    expect(list.out).toContain('新增功能「文生图」(image-gen)');
    expect(list.out).toContain('剩 10 个工作日');
    // State words from the shared table (src/lib/labels.ts), as emails and the review package write them.
    expect(list.out).toContain('未处理');
    expect(list.out).not.toMatch(/待处理|已关闭/);

    const id = cases[0]!.caseId;
    const ack = await cli('ack', id.slice(0, 7), '--note', '变更备案材料已提交', '--by', 'zhang.ops');
    expect(ack.code).toBe(0);
    expect(ack.out).toContain(`已确认案件 ${id}（zhang.ops）`);
    const shown = await cli('cases', id);
    expect(shown.out).toContain('已确认');
    expect(shown.out).toContain('zhang.ops');
    expect(shown.out).toMatch(/opened \(run:.*\)\n.*acknowledged \(user:zhang\.ops\)/);

    clock.set(clock.now().plus({ days: 16 }));
    expect((await cli('cases', '--open')).out).toContain('逾期 2 天');

    const accepted = await cli('baseline', 'accept', 'assistant', '--ref', 'Beijing-XiaoZhi-20250315-BG01', '--by', 'li.legal');
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain('第 1 版，备案编号 Beijing-XiaoZhi-20250315-BG01');
    expect(accepted.out).toContain('已解决 2 个案件');
    expect((await cli('cases', '--open')).out).toContain('没有未解决的案件');
    const closed = await cli('cases');
    expect(closed.out).toContain('已解决（已完成变更备案）');
    expect(closed.out).not.toMatch(/待处理|已关闭/);
    const after = JSON.parse((await cli('cases', '--json')).out) as CaseRecord[];
    expect(after.map((c) => c.resolution)).toEqual([
      expect.objectContaining({ reason: 'baseline-accepted', ref: 'Beijing-XiaoZhi-20250315-BG01', by: 'li.legal' }),
      expect.objectContaining({ reason: 'baseline-accepted', ref: 'Beijing-XiaoZhi-20250315-BG01', by: 'li.legal' }),
    ]);
    expect((await cli('verify')).code).toBe(0);
  });

  it('bad usage exits 2', async () => {
    const { cli } = workspace();
    expect((await cli('ack', 'fc-nothing')).code).toBe(2);
    expect((await cli('baseline', 'accept', 'nosuch', '--ref', 'X')).code).toBe(2);
    expect((await cli('baseline', 'accept', 'assistant')).code).toBe(2);
  });

  it('records the OS user when --by is not given (built CLI, child process)', async () => {
    const { path, cli } = workspace('en');
    await cli('run', 'assistant-feature-changes', '--local', '--period', '2026-11-30');
    const [first] = JSON.parse((await cli('cases', '--json')).out) as CaseRecord[];
    const res = await runCli(['ack', first!.caseId, '--config', path]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Acknowledged ${first!.caseId} (${userInfo().username})`);
    const missing = await runCli(['ack', 'fc-0000000000', '--config', path]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no case "fc-0000000000"; list cases with `dossier cases`');
  });
});
