import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { TokenAuthenticator } from '../../common/auth/access.guard.js';
import type { Role } from '../../common/auth/roles.js';
import { AppConfig } from '../../config/app-config.js';
import { execute } from '../../database/database.module.js';
import type { TokenPair } from './dto/auth.dto.js';
import { SessionCache } from './session-cache.js';

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
    @InjectDataSource() private readonly db: DataSource,
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
      const rows = await this.db.query<
        { roles: Role[]; workforce_member_id: string | null; expires_at: Date }[]
      >(
        `SELECT u.roles::text[] AS roles, u.workforce_member_id, s.expires_at
           FROM app_user u JOIN auth_session s ON s.user_id = u.id
          WHERE u.id = $1 AND s.id = $2 AND u.auth_version = $3 AND u.enabled
            AND s.revoked_at IS NULL AND s.expires_at > now()`,
        [claims.sub, claims.sid, claims.av],
      );
      return rows[0]
        ? {
            roles: rows[0].roles,
            workforceMemberId: rows[0].workforce_member_id,
            expiresAt: rows[0].expires_at.getTime(),
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
    manager: EntityManager,
    user: { id: string; authVersion: number },
    sessionId: string,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await manager.query(`INSERT INTO refresh_token (session_id, token_hash) VALUES ($1, $2)`, [
      sessionId,
      hashRefreshToken(refreshToken),
    ]);
    const claims: Omit<AccessClaims, 'exp'> = { sub: user.id, sid: sessionId, av: user.authVersion };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.JWT_ACCESS_TTL_SECONDS, refreshToken };
  }

  async openSession(manager: EntityManager, userId: string, clientAddress: string | null): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO auth_session (user_id, expires_at, client_address)
       VALUES ($1, now() + make_interval(secs => $2), $3) RETURNING id`,
      [userId, this.config.REFRESH_TTL_SECONDS, clientAddress],
    );
    return row.id;
  }

  /** This process's cached session checks of the user are dropped (the database's notification follows). */
  forgetUser(userId: string): void {
    this.sessions.forgetUser(userId);
  }

  /** Ends every open session of the user (disable, password reset), or one session (logout, reuse). */
  async revoke(
    manager: EntityManager,
    where: { userId: string } | { sessionId: string },
    reason: string,
  ): Promise<void> {
    const [column, value] = 'userId' in where ? ['user_id', where.userId] : ['id', where.sessionId];
    const { rows } = await execute<{ user_id: string }>(
      manager,
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE ${column} = $1 AND revoked_at IS NULL
       RETURNING user_id`,
      [value, reason],
    );
    for (const userId of new Set(rows.map((r) => r.user_id))) this.sessions.forgetUser(userId);
  }
}
