import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';

/** ioredis options from REDIS_URL. `forWorker` blocks on commands as BullMQ workers require. */
export function redisOptions(url: string, forWorker = false): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 2000,
    // The API answers at once (503 for what needs Redis) instead of queueing commands while Redis is away.
    ...(forWorker ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

export const REDIS = Symbol('REDIS');

/** Key naming in one place: every key Lantern writes starts with REDIS_PREFIX. */
@Injectable()
export class RedisKeys {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  key(...parts: string[]): string {
    return [this.config.REDIS_PREFIX, ...parts].join(':');
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The shared Redis client of a process (rate limits, health); BullMQ keeps its own connections. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const client = new Redis({ ...redisOptions(config.REDIS_URL), lazyConnect: false });
        client.on('error', () => undefined); // reconnects on its own; failures surface as 503 where Redis is needed
        return client;
      },
    },
    RedisKeys,
    RedisCloser,
  ],
  exports: [REDIS, RedisKeys],
})
export class RedisModule {}
