import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_ERROR, main } from '../../../src/cli/main.js';
import { systemClock, type Clock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { baseConfig, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

describe('main: exit codes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an error no code path expected is an internal error, exit 70, not 1 ("checked and not OK")', async () => {
    const { path } = writeConfig(tempWorkspace(), baseConfig());
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    // A fault from below the commands: here the clock `status` asks for "now".
    const broken: Clock = {
      now: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'zone')");
      },
    };
    const code = await main(['status', '--config', path], { clock: broken, logger: silentLogger(), out: () => undefined });
    expect(INTERNAL_ERROR).toBe(70);
    expect(code).toBe(70);
    expect(stderr.join('')).toBe(
      "dossier: internal error: Cannot read properties of undefined (reading 'zone') (a bug; please report it with DOSSIER_LOG_LEVEL=debug output)\n",
    );
  });

  it('a config error keeps its own exit code (2) and message', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    const code = await main(['status', '--config', '/nonexistent/dossier.yaml'], { clock: systemClock, logger: silentLogger(), out: () => undefined });
    expect(code).toBe(2);
    expect(stderr.join('')).toMatch(/^dossier: invalid config \(1 problem\):\n {2}\/nonexistent\/dossier\.yaml \(top level\): file not found/);
  });
});
