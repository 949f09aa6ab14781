import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from './config/app-config.js';
import { WorkerModule } from './worker.module.js';

const config = loadConfigOrExit();
const worker = await NestFactory.createApplicationContext(WorkerModule.register(config), {
  bufferLogs: true,
});
worker.useLogger(worker.get(Logger));
// On SIGTERM/SIGINT Nest closes the BullMQ workers, which finish the job in hand before the process exits.
worker.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await worker.init();
worker.get(Logger).log('Lantern worker started');
