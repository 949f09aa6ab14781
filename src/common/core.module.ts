import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ConnectionOptions } from 'bullmq';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { databaseOptions } from '../database/data-source.js';
import { DatabaseModule } from '../database/database.module.js';
import { Clock } from './clock.js';
import { Jobs } from './jobs.js';
import { loggerParams } from './logging.js';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queues.js';
import { RedisModule, redisOptions } from './redis/redis.module.js';

/** What both processes share: config, logging, PostgreSQL, Redis and BullMQ's connection. */
@Module({})
export class CoreModule {
  static register(
    config: AppConfig,
    processName: 'api' | 'worker',
    logDestination?: DestinationStream,
  ): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, `lantern-${processName}`, logDestination)),
        TypeOrmModule.forRoot({
          // No entities: queries are Kysely's, typed by src/database/db.ts (docs/adr/0001).
          ...databaseOptions(config, `lantern-${processName}`),
          entities: [],
          retryAttempts: 2,
          retryDelay: 1000,
        }),
        DatabaseModule,
        RedisModule,
        BullModule.forRoot({
          // ioredis options; bullmq's structural type differs only in its index signature.
          connection: redisOptions(config.REDIS_URL, processName === 'worker') as ConnectionOptions,
          prefix: `${config.REDIS_PREFIX}:bull`,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
        BullModule.registerQueue(
          { name: QUEUES.vetting },
          { name: QUEUES.outbox },
          { name: QUEUES.monitoring },
        ),
      ],
      providers: [Clock, Jobs],
      exports: [ConfigModule, DatabaseModule, RedisModule, BullModule, Clock, Jobs],
    };
  }
}
