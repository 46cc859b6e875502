import { Command, CommanderError } from 'commander';
import { DossierError, ExitCode, errorMessage } from '../lib/errors.js';
import { defaultContext, type CliContext, type CommandRegistrar } from './common.js';
/**
 * Commands by name, loaded on demand: `dossier start` is a long-running daemon and should not
 * carry the code of `export` (ZIP, HTML) or any other command in memory. `--help` and unknown
 * words load them all, so commander can list them and suggest the right one.
 */
const commands: Record<string, () => Promise<CommandRegistrar>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  start: async () => (await import('./commands/start.js')).registerStart,
  reconcile: async () => (await import('./commands/reconcile.js')).registerReconcile,
  schedules: async () => (await import('./commands/schedules.js')).registerSchedules,
  run: async () => (await import('./commands/run.js')).registerRun,
  history: async () => (await import('./commands/history.js')).registerHistory,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  status: async () => (await import('./commands/status.js')).registerStatus,
  cases: async () => (await import('./commands/cases.js')).registerCases,
  ack: async () => (await import('./commands/ack.js')).registerAck,
  baseline: async () => (await import('./commands/baseline.js')).registerBaseline,
  obligation: async () => (await import('./commands/obligation.js')).registerObligation,
  export: async () => (await import('./commands/export.js')).registerExport,
};

/** Exit code of an error no code path expected (a bug): EX_SOFTWARE of sysexits.h. */
export const INTERNAL_ERROR = 70;

/**
 * Entry point: parses arguments, runs one command, maps what went wrong to the exit codes of
 * spec section 7 (0 ok, 1 checked and not OK, 2 usage/config, 3 dependency unreachable) and 70
 * for an internal error. Only this function prints errors; everything below throws.
 */
export async function main(argv: string[], ctx: CliContext = defaultContext()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('dossier')
    .description('Dossier: keeps a generative-AI service ready for its filing review (大模型备案 / 年审)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => ctx.out(s) })
    .showHelpAfterError('(run `dossier --help` for the commands)');
  const name = argv.find((a) => !a.startsWith('-'));
  const wanted = name && name in commands ? [commands[name]!] : Object.values(commands);
  for (const load of wanted) (await load())(program, ctx, (code) => (exitCode = code));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof DossierError) {
      process.stderr.write(`dossier: ${err.message}\n`);
      return err.exitCode;
    }
    // Not 1: that code means "checked and not OK", and a script must not read a crash as a finding.
    process.stderr.write(`dossier: internal error: ${errorMessage(err)} (a bug; please report it with DOSSIER_LOG_LEVEL=debug output)\n`);
    ctx.logger.debug({ err }, 'internal error');
    return INTERNAL_ERROR;
  }
}
