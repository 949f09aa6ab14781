import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { ProblemException, problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { execute, Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import type { ChangePasswordRequest, LoginRequest, Me, TokenPair } from './dto/auth.dto.js';
import { LoginLockout, type Reservation } from './login-lockout.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordService } from './password.service.js';
import { hashRefreshToken, TokenService } from './token.service.js';

interface LoginRow {
  id: string;
  password_hash: string;
  enabled: boolean;
  auth_version: number;
  display_name: string;
}

/** Login, refresh-token rotation, logout and password change. Every failure is the same generic 401. */
@Injectable()
export class AuthService {
  constructor(
    private readonly tx: Transactions,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordService,
    private readonly rateLimiter: LoginRateLimiter,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * The account's attempt is counted (LoginLockout) before its password is checked, so concurrent guesses
   * all count and at most LOGIN_MAX_FAILURES of them are ever checked; the rest answer 429 without argon2.
   */
  async login(actor: Actor, body: LoginRequest): Promise<TokenPair> {
    await this.rateLimiter.check(actor.clientAddress ?? 'unknown');
    const email = body.email.toLowerCase();
    const reservation = await this.reserve(actor, email, 'auth.login');
    const [user] = await this.tx.dataSource.query<LoginRow[]>(
      `SELECT id, password_hash, enabled, auth_version, display_name FROM app_user WHERE email = $1`,
      [email],
    );
    // Always one argon2 verification, whether or not the email exists, so timing tells nothing.
    const passwordOk = await this.passwords.verify(user?.password_hash ?? null, body.password);
    if (!user || !passwordOk || !user.enabled) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'bad_password' : 'disabled';
      // A wrong password stays counted (an unknown email too: a lock says nothing of which emails exist).
      if (passwordOk) await this.settle(user?.id, await this.lockout.release(reservation));
      else await this.settle(user?.id, await this.lockout.fail(reservation));
      await this.audit.recordAlone(actor, {
        action: 'auth.login',
        resourceType: 'user',
        resourceId: user?.id ?? null,
        outcome: AuditOutcome.Denied,
        details: { reason },
      });
      throw problems.unauthorised();
    }
    // Only this attempt's own reservation is given back: what concurrent guesses counted stays counted.
    const remaining = await this.lockout.release(reservation);
    return this.tx.run(async (m) => {
      await this.settle(user.id, remaining, m);
      const sessionId = await this.tokens.openSession(m, user.id, actor.clientAddress);
      const pair = await this.tokens.issue(m, { id: user.id, authVersion: user.auth_version }, sessionId);
      await this.audit.record(
        m,
        { ...actor, userId: user.id },
        {
          action: 'auth.login',
          resourceType: 'user',
          resourceId: user.id,
          details: { sessionId },
        },
      );
      return pair;
    });
  }

  /**
   * Counts an attempt on the account before its password is checked; a locked account (or email) is refused
   * with 429 and a `denied` audit row, no password checked.
   */
  private async reserve(actor: Actor, email: string, action: string): Promise<Reservation> {
    try {
      return await this.lockout.reserve(email);
    } catch (error) {
      if (error instanceof ProblemException && error.init.code === 'login_locked') {
        const [user] = await this.tx.dataSource.query<{ id: string }[]>(
          `SELECT id FROM app_user WHERE email = $1`,
          [email],
        );
        await this.audit.recordAlone(actor, {
          action,
          resourceType: 'user',
          resourceId: user?.id ?? null,
          outcome: AuditOutcome.Denied,
          details: { reason: 'locked' },
        });
      }
      throw error;
    }
  }

  /**
   * Mirrors the lockout's count into the user's row (what admins see as `lockedUntil`): locked for
   * LOGIN_LOCK_MINUTES from now once the count reaches LOGIN_MAX_FAILURES, unlocked when it falls below.
   * The lockout itself (Redis) decides; this row only shows it.
   */
  private async settle(userId: string | undefined, count: number, manager?: EntityManager): Promise<void> {
    if (!userId) return;
    await (manager ?? this.tx.dataSource).query(
      `UPDATE app_user SET failed_logins = $2::int,
         locked_until = CASE WHEN $2::int >= $3::int THEN now() + make_interval(mins => $4::int) END
       WHERE id = $1`,
      [userId, count, this.config.LOGIN_MAX_FAILURES, this.config.LOGIN_LOCK_MINUTES],
    );
  }

  /**
   * Exchanges a refresh token for a new pair. A token is good once: presenting a used one means it was
   * stolen or replayed, and the whole session is revoked.
   */
  async refresh(actor: Actor, refreshToken: string): Promise<TokenPair> {
    const outcome = await this.tx.run(async (m) => {
      const [row] = await m.query<
        {
          id: string;
          session_id: string;
          used: boolean;
          user_id: string;
          auth_version: number;
          live: boolean;
        }[]
      >(
        `SELECT t.id, t.session_id, t.used_at IS NOT NULL AS used, s.user_id, u.auth_version,
                (s.revoked_at IS NULL AND s.expires_at > now() AND u.enabled) AS live
           FROM refresh_token t JOIN auth_session s ON s.id = t.session_id JOIN app_user u ON u.id = s.user_id
          WHERE t.token_hash = $1 FOR UPDATE OF t`,
        [hashRefreshToken(refreshToken)],
      );
      if (!row) return null;
      const who = { ...actor, userId: row.user_id, sessionId: row.session_id };
      if (row.used || !row.live) {
        if (row.used) await this.tokens.revoke(m, { sessionId: row.session_id }, 'refresh_reuse');
        await this.audit.record(m, who, {
          action: 'auth.refresh',
          resourceType: 'user',
          resourceId: row.user_id,
          outcome: AuditOutcome.Denied,
          details: { reason: row.used ? 'reuse_session_revoked' : 'session_ended' },
        });
        return null;
      }
      await m.query(`UPDATE refresh_token SET used_at = now() WHERE id = $1`, [row.id]);
      const pair = await this.tokens.issue(
        m,
        { id: row.user_id, authVersion: row.auth_version },
        row.session_id,
      );
      await this.audit.record(m, who, {
        action: 'auth.refresh',
        resourceType: 'user',
        resourceId: row.user_id,
      });
      return pair;
    });
    if (!outcome) throw problems.unauthorised();
    return outcome;
  }

  async logout(actor: Actor): Promise<void> {
    await this.tx.run(async (m) => {
      if (actor.sessionId) await this.tokens.revoke(m, { sessionId: actor.sessionId }, 'logout');
      await this.audit.record(m, actor, {
        action: 'auth.logout',
        resourceType: 'user',
        resourceId: actor.userId,
      });
    });
  }

  async me(actor: Actor): Promise<Me> {
    const [row] = await this.tx.dataSource.query<{ email: string; display_name: string }[]>(
      `SELECT email, display_name FROM app_user WHERE id = $1`,
      [actor.userId],
    );
    return {
      id: actor.userId as string,
      email: row.email,
      displayName: row.display_name,
      roles: actor.roles,
      workforceMemberId: actor.workforceMemberId,
    };
  }

  /**
   * Changes the caller's password; every other token of theirs stops working, and a new pair is returned.
   * A wrong current password counts toward the same lockout as a failed login, and a locked account is
   * refused (429) before any check, so a stolen access token is no oracle for the password.
   */
  async changePassword(actor: Actor, body: ChangePasswordRequest): Promise<TokenPair> {
    const userId = actor.userId as string;
    const [user] = await this.tx.dataSource.query<
      { password_hash: string; email: string; display_name: string }[]
    >(`SELECT password_hash, email, display_name FROM app_user WHERE id = $1`, [userId]);
    const reservation = await this.reserve(actor, user.email, 'auth.password_change');
    if (!(await this.passwords.verify(user.password_hash, body.currentPassword))) {
      await this.settle(userId, await this.lockout.fail(reservation));
      await this.audit.recordAlone(actor, {
        action: 'auth.password_change',
        resourceType: 'user',
        resourceId: userId,
        outcome: AuditOutcome.Denied,
        details: { reason: 'bad_current_password' },
      });
      throw problems.invalid('currentPassword', 'matchesCurrent', 'currentPassword is not correct');
    }
    await this.settle(userId, await this.lockout.release(reservation));
    this.passwords.assertAcceptable(body.newPassword, 'newPassword', [user.email, user.display_name]);
    const hash = await this.passwords.hash(body.newPassword);
    return this.tx.run(async (m) => {
      const {
        rows: [row],
      } = await execute<{ auth_version: number }>(
        m,
        `UPDATE app_user SET password_hash = $2, auth_version = auth_version + 1, version = version + 1,
                updated_at = now() WHERE id = $1 RETURNING auth_version`,
        [userId, hash],
      );
      await this.tokens.revoke(m, { userId }, 'password_change');
      const sessionId = await this.tokens.openSession(m, userId, actor.clientAddress);
      const pair = await this.tokens.issue(m, { id: userId, authVersion: row.auth_version }, sessionId);
      await this.audit.record(m, actor, {
        action: 'auth.password_change',
        resourceType: 'user',
        resourceId: userId,
      });
      return pair;
    });
  }
}
