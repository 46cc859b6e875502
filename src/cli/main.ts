import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { DossierError, ExitCode, errorMessage } from '../lib/errors.js';
import { defaultContext, type CliContext, type CommandRegistrar } from './common.js';
import { registerExport } from './commands/export.js';
import { registerAck } from './commands/ack.js';
import { registerBaseline } from './commands/baseline.js';
import { registerCases } from './commands/cases.js';
import { registerHistory } from './commands/history.js';
import { registerObligation } from './commands/obligation.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRun } from './commands/run.js';
import { registerSchedules } from './commands/schedules.js';
import { registerStatus } from './commands/status.js';
import { registerStart } from './commands/start.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';

const commands: CommandRegistrar[] = [
  registerValidate,
  registerStart,
  registerReconcile,
  registerSchedules,
  registerRun,
  registerHistory,
  registerVerify,
  registerExport,
  registerCases,
  registerAck,
  registerBaseline,
  registerStatus,
  registerObligation,
];

/**
 * Entry point: parses arguments, runs one command, maps what went wrong to the exit codes of
 * spec section 7 (0 ok, 1 checked and not OK, 2 usage/config, 3 dependency unreachable). Only
 * this function prints errors; everything below throws.
 */
export async function main(argv: string[], ctx: CliContext = defaultContext()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('dossier')
    .description('Dossier: keeps a generative-AI service ready for its filing review (大模型备案 / 年审)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => ctx.out(s) })
    .showHelpAfterError('(run `dossier --help` for the commands)');
  for (const register of commands) register(program, ctx, (code) => (exitCode = code));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`dossier: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof DossierError) {
      process.stderr.write(`dossier: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`dossier: unexpected error: ${errorMessage(err)}\n(set DOSSIER_LOG_LEVEL=debug for details)\n`);
    ctx.logger.debug({ err }, 'unexpected error');
    return ExitCode.notOk;
  }
}
