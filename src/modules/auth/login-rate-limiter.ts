import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ProblemException, problems } from '../../common/problem.js';
import { REDIS, RedisKeys } from '../../common/redis/redis.module.js';
import { AppConfig } from '../../config/app-config.js';
import { AuthError } from './auth.codes.js';

/**
 * Login attempts per client address per minute, counted in Redis so that every API process shares the
 * count. Without Redis, logins are refused (503) rather than left unlimited.
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async check(clientAddress: string): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const key = this.keys.key('login-rate', clientAddress, String(window));
    let count: number;
    try {
      const result = await this.redis.multi().incr(key).expire(key, 120).exec();
      count = Number(result?.[0]?.[1] ?? 0);
    } catch {
      throw problems.unavailable(
        AuthError.RateLimiterUnavailable,
        'Login is unavailable for a moment; try again shortly',
      );
    }
    if (count > this.config.LOGIN_RATE_LIMIT_PER_MINUTE) {
      throw new ProblemException({
        status: HttpStatus.TOO_MANY_REQUESTS,
        code: AuthError.TooManyLoginAttempts,
        detail: 'Too many login attempts from this address; wait a minute',
        extensions: { retryAfterSeconds: 60 - Math.floor((Date.now() / 1000) % 60) },
      });
    }
  }
}
