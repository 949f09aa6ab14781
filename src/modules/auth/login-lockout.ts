import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ProblemException, problems } from '../../common/problem.js';
import { REDIS, RedisKeys } from '../../common/redis/redis.module.js';
import { AppConfig } from '../../config/app-config.js';
import { AuthError } from './auth.codes.js';

/**
 * Takes a reservation: refused (0, ms left) when the account already has LOGIN_MAX_FAILURES attempts counted
 * (failures, and attempts still being checked), otherwise counted at once (1, the count). A new count lives
 * for the lock window; every failure extends it (see `fail`).
 */
const RESERVE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
  return {0, ttl}
end
n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, n}`;

/** Gives back one reservation (a right password), never more: what other attempts counted stays. */
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 1 then redis.call('DEL', KEYS[1]); return 0 end
return redis.call('DECR', KEYS[1])`;

/** A failure keeps its reservation; the count (and so a lock) lasts LOGIN_LOCK_MINUTES from the last one. */
const FAIL = `
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return tonumber(redis.call('GET', KEYS[1]) or '0')`;

/** An attempt on an account that was counted before its password is checked. */
export interface Reservation {
  key: string;
  /** Attempts counted on the account in the window, this one included. */
  count: number;
}

/**
 * The account lockout: at most LOGIN_MAX_FAILURES password checks per account per LOGIN_LOCK_MINUTES,
 * counted in Redis (one Lua script, so atomic across concurrent requests and API processes) BEFORE argon2
 * runs. Every attempt takes a reservation first; once the limit is reserved, further attempts are refused
 * with 429 and no password check at all. A wrong password keeps its reservation (a counted failure); a right
 * one gives back only its own, so a success never clears what concurrent guesses counted. The count lasts
 * until LOGIN_LOCK_MINUTES pass without a failure. It is keyed by a hash of the email, whether or not an
 * account has it, so a lock tells nothing about which emails exist. Login and `POST /auth/password` share it.
 * Without Redis, both are refused (503) rather than left unlimited.
 */
@Injectable()
export class LoginLockout {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  private get windowMs(): number {
    return this.config.LOGIN_LOCK_MINUTES * 60_000;
  }

  keyFor(email: string): string {
    return this.keys.key(
      'login-lock',
      createHash('sha256').update(email.trim().toLowerCase()).digest('base64url'),
    );
  }

  /** Counts an attempt before its password is checked, or throws 429 `login_locked` when the limit is reached. */
  async reserve(email: string): Promise<Reservation> {
    const key = this.keyFor(email);
    const [ok, value] = (await this.run(RESERVE, key, this.config.LOGIN_MAX_FAILURES, this.windowMs)) as [
      number,
      number,
    ];
    if (ok !== 1) throw lockedProblem(Math.max(1, Math.ceil(value / 1000)));
    return { key, count: value };
  }

  /** A wrong password: the reservation stays counted; returns the account's count. */
  async fail(reservation: Reservation): Promise<number> {
    return Number(await this.run(FAIL, reservation.key, this.windowMs));
  }

  /** A right password: gives back this attempt's reservation only; returns what remains counted. */
  async release(reservation: Reservation): Promise<number> {
    return Number(await this.run(RELEASE, reservation.key));
  }

  /** An admin's unlock (password reset, enable): the account's count starts again. */
  async clear(email: string): Promise<void> {
    try {
      await this.redis.del(this.keyFor(email));
    } catch {
      throw unavailable();
    }
  }

  private async run(script: string, key: string, ...args: number[]): Promise<unknown> {
    try {
      return await this.redis.eval(script, 1, key, ...args.map(String));
    } catch {
      throw unavailable();
    }
  }
}

const unavailable = (): ProblemException =>
  problems.unavailable(
    AuthError.RateLimiterUnavailable,
    'Login is unavailable for a moment; try again shortly',
  );

/** The one answer to an attempt on a locked account (or email), whichever route it came by. */
export const lockedProblem = (retryAfterSeconds: number): ProblemException =>
  new ProblemException({
    status: HttpStatus.TOO_MANY_REQUESTS,
    code: AuthError.LoginLocked,
    detail: 'Too many failed attempts for this account; wait before trying again',
    extensions: { retryAfterSeconds },
  });
