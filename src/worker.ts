import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from './config/app-config.js';
import { checkDatabase, failStartup, waitForRedis } from './common/startup.js';
import { WorkerModule } from './worker.module.js';

const config = loadConfigOrExit();
// A connection problem at start is one line and exit code 1; Redis is waited for, one line per attempt.
try {
  await checkDatabase(config);
  await waitForRedis(config.REDIS_URL, (line) => process.stderr.write(`${line}\n`));
} catch (error) {
  failStartup(error);
}
const worker = await NestFactory.createApplicationContext(WorkerModule.register(config), {
  bufferLogs: true,
});
const logger = worker.get(Logger);
worker.useLogger(logger);

/**
 * On SIGTERM/SIGINT Nest closes the BullMQ workers, which finish the job in hand (the outbox relay stops
 * sending and hands its unsent messages back) before the process exits. Bounded (issue 28): whatever still
 * waits after WORKER_SHUTDOWN_TIMEOUT_SECONDS (Redis down, PostgreSQL frozen) is left, and the process exits;
 * a job it held is returned by BullMQ when its lock expires, and a killed sweep rolls back.
 */
let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  logger.log(`${signal}: stopping (at most ${config.WORKER_SHUTDOWN_TIMEOUT_SECONDS}s)`);
  setTimeout(() => {
    logger.warn(
      `shutdown deadline (${config.WORKER_SHUTDOWN_TIMEOUT_SECONDS}s) passed with work still waiting: exiting`,
    );
    process.exit(1);
  }, config.WORKER_SHUTDOWN_TIMEOUT_SECONDS * 1000).unref();
  worker.close().then(
    // Done: die of the signal, as Nest's shutdown hooks do (the handlers were `once`).
    () => process.kill(process.pid, signal),
    (error: unknown) => {
      logger.error(`shutdown failed: ${(error as Error).name}: ${(error as Error).message}`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await worker.init();
logger.log('Lantern worker started');
