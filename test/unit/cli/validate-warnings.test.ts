import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { FixedClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { baseConfig, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

async function validate(at: string, overrides: Record<string, unknown> = {}, args: string[] = []): Promise<{ code: number; out: string }> {
  const dir = tempWorkspace();
  const { path } = writeConfig(dir, baseConfig(overrides));
  let out = '';
  const code = await main(['validate', '--config', path, ...args], { clock: new FixedClock(at), logger: silentLogger(), out: (t) => (out += `${t}\n`) });
  return { code, out };
}

describe('dossier validate: calendar warnings', () => {
  it('warns when deadlines computed today can reach a year without holiday data', async () => {
    const { code, out } = await validate('2026-12-10T09:00:00+08:00');
    expect(code).toBe(0);
    expect(out).toContain('警告：');
    expect(out).toContain('2027 年没有节假日数据');
  });

  it('lists the warning in --json and names the fix in English', async () => {
    const { out } = await validate('2026-12-10T09:00:00+08:00', { locale: 'en' }, ['--json']);
    const parsed = JSON.parse(out) as { warnings: Array<{ code: string; message: { en: string }; data: { year: number } }> };
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatchObject({ code: 'calendar-weekends-only', data: { year: 2027 } });
    expect(parsed.warnings[0]!.message.en).toMatch(/calendar\.holidays/);
  });

  it('says the year comes from config only once its dates are entered', async () => {
    const { out } = await validate('2026-12-10T09:00:00+08:00', { calendar: { holidays: ['2027-01-01'], workdays: [] } });
    expect(out).toContain('仅按周末和配置中的 1 个日期计算工作日');
  });

  it('has nothing to say in a covered year', async () => {
    const { out } = await validate('2026-06-01T09:00:00+08:00');
    expect(out).not.toContain('警告');
  });

  it('rejects a date listed both as holiday and as workday', () => {
    const dir = tempWorkspace();
    expect(() => writeConfig(dir, baseConfig({ calendar: { holidays: ['2026-12-31'], workdays: ['2026-12-31'] } }))).toThrow(
      /calendar\.holidays\[0\]: 2026-12-31 is listed in both calendar\.holidays and calendar\.workdays/,
    );
  });
});
