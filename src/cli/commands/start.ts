import { Option } from 'commander';
import { startDaemon, type Role } from '../../../workers/daemon.js';
import { createLogger } from '../../lib/logger.js';
import { configOption, positiveSeconds, type CommandRegistrar, type CommonOptions } from '../common.js';

/**
 * `dossier start`: runs until SIGTERM/SIGINT. The first signal drains (running checks finish,
 * bounded by --drain-timeout); a second one exits at once. SIGHUP reloads the config.
 */
export const registerStart: CommandRegistrar = (program) => {
  program
    .command('start')
    .description('run the daemon (scheduler and workers)')
    .addOption(configOption())
    .addOption(new Option('--role <role>', 'which part to run').choices(['all', 'scheduler', 'worker']).default('all'))
    .addOption(new Option('--drain-timeout <seconds>', 'seconds SIGTERM waits for running checks').default(60).argParser(positiveSeconds))
    .action(async (opts: CommonOptions & { role: Role; drainTimeout: number }) => {
      const logger = createLogger();
      const daemon = await startDaemon({ configPath: opts.config, role: opts.role, logger, drainTimeoutMs: opts.drainTimeout * 1000 });
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onStop = (signal: NodeJS.Signals) => {
          if (stopping) {
            logger.warn({ signal }, 'second signal: exiting now');
            daemon.abortNow();
            process.exit(130);
          }
          stopping = true;
          logger.info({ signal }, 'signal received; draining (send it again to exit at once)');
          daemon.stop().then(resolve, (err: unknown) => {
            logger.error({ err: String(err) }, 'error while stopping');
            resolve();
          });
        };
        process.on('SIGTERM', onStop);
        process.on('SIGINT', onStop);
        process.on('SIGHUP', () => {
          logger.info('SIGHUP: reloading config');
          void daemon.reload();
        });
      });
    });
};
