import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { baseConfig, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

const HELP = '(run `dossier --help` for the commands)';

/** Numeric options are parsed once, by commander: a bad value is bad usage (exit 2) naming the option and what it takes. */
describe('numeric options', () => {
  const { path } = writeConfig(tempWorkspace(), baseConfig());

  it.each([
    [['history', '--limit', 'abc'], "option '--limit <n>' argument 'abc' is invalid. Write a positive whole number, e.g. 20."],
    [['history', '--limit', '0'], "option '--limit <n>' argument '0' is invalid. Write a positive whole number"],
    [['history', '--limit', '2.5'], "option '--limit <n>' argument '2.5' is invalid. Write a positive whole number"],
    [['run', 'assistant-policy-freshness', '--wait', '--timeout', 'abc'], "option '--timeout <seconds>' argument 'abc' is invalid. Write a number of seconds greater than 0 and at most 86400 (one day), e.g. 60."],
    [['run', 'assistant-policy-freshness', '--wait', '--timeout', '9999999'], "option '--timeout <seconds>' argument '9999999' is invalid. Write a number of seconds greater than 0 and at most 86400"],
    [['start', '--drain-timeout', 'abc'], "option '--drain-timeout <seconds>' argument 'abc' is invalid. Write a number of seconds greater than 0"],
    [['start', '--drain-timeout', '-5'], "option '--drain-timeout <seconds>' argument '-5' is invalid. Write a number of seconds greater than 0"],
  ])('%j → exit 2 naming the option', async (args, message) => {
    const out = await runCli([...args, '--config', path]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`error: ${message}`);
    expect(out.stderr).toContain(HELP);
    expect(out.stdout).toBe('');
  });

  it('a valid --limit applies', async () => {
    for (const at of ['2026-11-23T10:00:00+08:00', '2026-11-30T10:00:00+08:00']) {
      expect((await runCli(['run', 'assistant-policy-freshness', '--local', '--at', at, '--config', path])).code).toBe(0);
    }
    const out = await runCli(['history', '--json', '--limit', '1', '--config', path]);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as Array<{ period: { key: string } }>).map((r) => r.period.key)).toEqual(['2026-11-30']);
  });

  it('defaults are numbers and show in --help', async () => {
    // Commander prints a default as JSON: a string default would read (default: "60").
    expect((await runCli(['start', '--help'])).stdout).toMatch(/--drain-timeout <seconds>[\s\S]*\(default:\s+60\)/);
    expect((await runCli(['run', '--help'])).stdout).toMatch(/--timeout <seconds>[\s\S]*\(default:\s+600\)/);
    expect((await runCli(['history', '--help'])).stdout).toMatch(/--limit <n>[\s\S]*\(default:\s+20\)/);
  });
});
