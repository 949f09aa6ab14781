import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { TokenAuthenticator } from '../../common/auth/access.guard.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import type { SessionEnd } from './auth.codes.js';
import type { TokenPair } from './dto/auth.dto.js';
import { SessionCache } from './session-cache.js';
import { SessionsRepository, type SessionsOf } from './sessions.repository.js';

export const JWT_ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AccessClaims {
  sub: string;
  /** The session (refresh-token family) the token belongs to. */
  sid: string;
  /** The user's auth_version when issued. */
  av: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** How many verified access tokens an API process remembers (a force's users at once, with room to spare). */
const VERIFIED_TOKENS_MAX = 2000;

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Access tokens (short-lived JWTs, HS256 only) and refresh tokens (opaque, stored hashed). Every request
 * re-checks the user and the session (one indexed query, cached by SessionCache until a change to that
 * user is notified), so that disabling a user, changing their roles or password, or logging out takes
 * effect on the next request.
 */
@Injectable()
export class TokenService extends TokenAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly tx: Transactions,
    private readonly repository: SessionsRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly sessions: SessionCache,
  ) {
    super();
  }

  /**
   * Access tokens this process has verified (signature, algorithm, issuer, audience, claims), kept with
   * their claims until they expire: a client sends the same token with every request for its lifetime (15
   * minutes by default), and verifying it again each time was ~4% of the API's CPU on a list page. Keyed by
   * the whole token, so only the exact bytes once verified are accepted; expiry is checked on every use, as
   * jsonwebtoken does; the oldest is dropped when full. Revocation is not this cache's concern: the session
   * check below runs on every request.
   */
  private readonly verified = new Map<string, AccessClaims>();

  private async verify(token: string): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 > Date.now()) return known;
      this.verified.delete(token);
      return null;
    }
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims & object>(token, { algorithms: [JWT_ALGORITHM] });
    } catch {
      return null;
    }
    const wellFormed =
      UUID.test(String(claims.sub)) &&
      UUID.test(String(claims.sid)) &&
      Number.isInteger(claims.av) &&
      Number.isInteger(claims.exp);
    if (!wellFormed) return null;
    if (this.verified.size >= VERIFIED_TOKENS_MAX) {
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(token, claims);
    return claims;
  }

  async authenticate(token: string, request: FastifyRequest): Promise<Actor | null> {
    const claims = await this.verify(token);
    if (!claims) return null;
    const live = await this.sessions.get(claims.sub, claims.sid, claims.av, async () => {
      // A read of one row; the request's own audit row, if any, is its handler's.
      const row = await this.tx.read((tx) => this.repository.live(tx, claims.sub, claims.sid, claims.av));
      return row
        ? {
            roles: row.roles,
            workforceMemberId: row.workforce_member_id,
            expiresAt: row.expires_at.getTime(),
          }
        : null;
    });
    if (!live) return null;
    return {
      userId: claims.sub,
      roles: live.roles,
      workforceMemberId: live.workforceMemberId,
      sessionId: claims.sid,
      requestId: String(request.id),
      clientAddress: request.ip ?? null,
    };
  }

  /** A new refresh token for the session, and an access token; within the caller's transaction. */
  async issue(
    tx: EntityManager,
    user: { id: string; authVersion: number },
    sessionId: string,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repository.addRefreshToken(tx, sessionId, hashRefreshToken(refreshToken));
    const claims: Omit<AccessClaims, 'exp'> = { sub: user.id, sid: sessionId, av: user.authVersion };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.JWT_ACCESS_TTL_SECONDS, refreshToken };
  }

  openSession(tx: EntityManager, userId: string, clientAddress: string | null): Promise<string> {
    return this.repository.open(tx, userId, this.config.REFRESH_TTL_SECONDS, clientAddress);
  }

  /** This process's cached session checks of the user are dropped (the database's notification follows). */
  forgetUser(userId: string): void {
    this.sessions.forgetUser(userId);
  }

  /** Ends every open session of the user (disable, password reset), or one session (logout, reuse). */
  async revoke(tx: EntityManager, which: SessionsOf, reason: SessionEnd): Promise<void> {
    for (const userId of await this.repository.revoke(tx, which, reason)) this.sessions.forgetUser(userId);
  }
}
