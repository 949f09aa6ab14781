import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles.js';
import { all, db, execute, first, one } from '../../database/sql.js';

/** The end of a session: one of the user's, or all of them. */
export type SessionsOf = { userId: string } | { sessionId: string };

/** auth_session and refresh_token: logins (sessions), their refresh tokens (stored hashed), their ends. */
@Injectable()
export class SessionsRepository {
  /** A new session of the user, ending `ttlSeconds` from now. */
  async open(
    tx: EntityManager,
    userId: string,
    ttlSeconds: number,
    clientAddress: string | null,
  ): Promise<string> {
    const { id } = await one(
      tx,
      db
        .insertInto('auth_session')
        .values({
          user_id: userId,
          expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
          client_address: clientAddress,
        })
        .returning('id'),
    );
    return id;
  }

  async addRefreshToken(tx: EntityManager, sessionId: string, tokenHash: string): Promise<void> {
    await execute(
      tx,
      db.insertInto('refresh_token').values({ session_id: sessionId, token_hash: tokenHash }),
    );
  }

  /**
   * The refresh token with this hash, locked (FOR UPDATE) so that two concurrent uses cannot both rotate it,
   * with its session's user and whether the session is still live.
   */
  tokenForRotation(tx: EntityManager, tokenHash: string) {
    return first(
      tx,
      db
        .selectFrom('refresh_token as t')
        .innerJoin('auth_session as s', 's.id', 't.session_id')
        .innerJoin('app_user as u', 'u.id', 's.user_id')
        .select([
          't.id',
          't.session_id',
          sql<boolean>`t.used_at IS NOT NULL`.as('used'),
          's.user_id',
          'u.auth_version',
          sql<boolean>`(s.revoked_at IS NULL AND s.expires_at > now() AND u.enabled)`.as('live'),
        ])
        .where('t.token_hash', '=', tokenHash)
        .forUpdate('t'),
    );
  }

  async markUsed(tx: EntityManager, tokenId: string): Promise<void> {
    await execute(
      tx,
      db
        .updateTable('refresh_token')
        .set({ used_at: sql`now()` })
        .where('id', '=', tokenId),
    );
  }

  /** Ends the open sessions named; the users whose sessions ended. */
  async revoke(tx: EntityManager, which: SessionsOf, reason: string): Promise<string[]> {
    const rows = await all(
      tx,
      db
        .updateTable('auth_session')
        .set({ revoked_at: sql`now()`, revoked_reason: reason })
        .where('userId' in which ? 'user_id' : 'id', '=', 'userId' in which ? which.userId : which.sessionId)
        .where('revoked_at', 'is', null)
        .returning('user_id'),
    );
    return [...new Set(rows.map((r) => r.user_id))];
  }

  /** The per-request check of a token: its user enabled at the same auth version, its session open. */
  live(tx: EntityManager, userId: string, sessionId: string, authVersion: number) {
    return first(
      tx,
      db
        .selectFrom('app_user as u')
        .innerJoin('auth_session as s', 's.user_id', 'u.id')
        .select([sql<Role[]>`u.roles::text[]`.as('roles'), 'u.workforce_member_id', 's.expires_at'])
        .where('u.id', '=', userId)
        .where('s.id', '=', sessionId)
        .where('u.auth_version', '=', authVersion)
        .where('u.enabled', '=', true)
        .where('s.revoked_at', 'is', null)
        .where(sql<boolean>`s.expires_at > now()`),
    );
  }
}
