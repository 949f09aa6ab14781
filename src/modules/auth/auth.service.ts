import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { ProblemException, problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { type AuditEntry, AuditOutcome } from '../audit/audit.types.js';
import { AuthAudit, AuthDenial, AuthError, SessionEnd, USER_RESOURCE } from './auth.codes.js';
import type { ChangePasswordRequest, LoginRequest, Me, TokenPair } from './dto/auth.dto.js';
import { LoginLockout, type Reservation } from './login-lockout.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordService } from './password.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { hashRefreshToken, TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

/** The lockout's refusal, as the code its problem carries. */
const LOGIN_LOCKED: string = AuthError.LoginLocked;

/** An auth audit row about the user `userId`. */
const entry = (action: AuthAudit, userId: string | null, more: Partial<AuditEntry> = {}): AuditEntry => ({
  action,
  resourceType: USER_RESOURCE,
  resourceId: userId,
  ...more,
});

const denied = (action: AuthAudit, userId: string | null, reason: AuthDenial): AuditEntry =>
  entry(action, userId, { outcome: AuditOutcome.Denied, details: { reason } });

/**
 * Login, refresh-token rotation, logout and password change. Every failure is the same generic 401. Reads
 * before a change (the account by email) run as plain reads (`Transactions.read`); every change and its audit
 * row are one `Transactions.write`; refusals are audited on their own (`AuditService.recordAlone`), since the
 * request then fails.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly tx: Transactions,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
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
    const reservation = await this.reserve(actor, email, AuthAudit.Login);
    const user = await this.tx.read((tx) => this.users.loginCandidate(tx, email));
    // Always one argon2 verification, whether or not the email exists, so timing tells nothing.
    const passwordOk = await this.passwords.verify(user?.password_hash ?? null, body.password);
    if (!user || !passwordOk || !user.enabled) {
      const reason = !user
        ? AuthDenial.UnknownEmail
        : !passwordOk
          ? AuthDenial.BadPassword
          : AuthDenial.Disabled;
      // A wrong password stays counted (an unknown email too: a lock says nothing of which emails exist).
      if (passwordOk) await this.settle(user?.id, await this.lockout.release(reservation));
      else await this.settle(user?.id, await this.lockout.fail(reservation));
      await this.audit.recordAlone(actor, denied(AuthAudit.Login, user?.id ?? null, reason));
      throw problems.unauthorised();
    }
    // Only this attempt's own reservation is given back: what concurrent guesses counted stays counted.
    const remaining = await this.lockout.release(reservation);
    return this.tx.write(async (tx) => {
      await this.settle(user.id, remaining, tx);
      const sessionId = await this.tokens.openSession(tx, user.id, actor.clientAddress);
      const pair = await this.tokens.issue(tx, { id: user.id, authVersion: user.auth_version }, sessionId);
      await this.audit.record(
        tx,
        { ...actor, userId: user.id },
        entry(AuthAudit.Login, user.id, { details: { sessionId } }),
      );
      return pair;
    });
  }

  /**
   * Counts an attempt on the account before its password is checked; a locked account (or email) is refused
   * with 429 and a `denied` audit row, no password checked.
   */
  private async reserve(actor: Actor, email: string, action: AuthAudit): Promise<Reservation> {
    try {
      return await this.lockout.reserve(email);
    } catch (error) {
      if (error instanceof ProblemException && error.init.code === LOGIN_LOCKED) {
        const userId = await this.tx.read((tx) => this.users.idByEmail(tx, email));
        await this.audit.recordAlone(actor, denied(action, userId ?? null, AuthDenial.Locked));
      }
      throw error;
    }
  }

  /**
   * Mirrors the lockout's count into the user's row (what admins see as `lockedUntil`): locked for
   * LOGIN_LOCK_MINUTES from now once the count reaches LOGIN_MAX_FAILURES, unlocked when it falls below.
   * The lockout itself (Redis) decides; this row only shows it. In `tx` when given, else a write of its own.
   */
  private async settle(userId: string | undefined, count: number, tx?: EntityManager): Promise<void> {
    if (!userId) return;
    const { LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES } = this.config;
    const work = (t: EntityManager) =>
      this.users.settleLock(t, userId, count, LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES);
    await (tx ? work(tx) : this.tx.write(work));
  }

  /**
   * Exchanges a refresh token for a new pair. A token is good once: presenting a used one means it was
   * stolen or replayed, and the whole session is revoked.
   */
  async refresh(actor: Actor, refreshToken: string): Promise<TokenPair> {
    const outcome = await this.tx.write(async (tx) => {
      const row = await this.sessions.tokenForRotation(tx, hashRefreshToken(refreshToken));
      if (!row) return null;
      const who = { ...actor, userId: row.user_id, sessionId: row.session_id };
      if (row.used || !row.live) {
        if (row.used) await this.tokens.revoke(tx, { sessionId: row.session_id }, SessionEnd.RefreshReuse);
        const reason = row.used ? AuthDenial.ReuseSessionRevoked : AuthDenial.SessionEnded;
        await this.audit.record(tx, who, denied(AuthAudit.Refresh, row.user_id, reason));
        return null;
      }
      await this.sessions.markUsed(tx, row.id);
      const pair = await this.tokens.issue(
        tx,
        { id: row.user_id, authVersion: row.auth_version },
        row.session_id,
      );
      await this.audit.record(tx, who, entry(AuthAudit.Refresh, row.user_id));
      return pair;
    });
    if (!outcome) throw problems.unauthorised();
    return outcome;
  }

  async logout(actor: Actor): Promise<void> {
    await this.tx.write(async (tx) => {
      if (actor.sessionId) await this.tokens.revoke(tx, { sessionId: actor.sessionId }, SessionEnd.Logout);
      await this.audit.record(tx, actor, entry(AuthAudit.Logout, actor.userId));
    });
  }

  async me(actor: Actor): Promise<Me> {
    const userId = signedIn(actor);
    const user = await this.tx.read((tx) => this.users.credentials(tx, userId));
    if (!user) throw problems.unauthorised();
    return {
      id: userId,
      email: user.email,
      displayName: user.display_name,
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
    const userId = signedIn(actor);
    const user = await this.tx.read((tx) => this.users.credentials(tx, userId));
    if (!user) throw problems.unauthorised();
    const reservation = await this.reserve(actor, user.email, AuthAudit.PasswordChange);
    if (!(await this.passwords.verify(user.password_hash, body.currentPassword))) {
      await this.settle(userId, await this.lockout.fail(reservation));
      await this.audit.recordAlone(
        actor,
        denied(AuthAudit.PasswordChange, userId, AuthDenial.BadCurrentPassword),
      );
      throw problems.invalid('currentPassword', 'matchesCurrent', 'currentPassword is not correct');
    }
    await this.settle(userId, await this.lockout.release(reservation));
    this.passwords.assertAcceptable(body.newPassword, 'newPassword', [user.email, user.display_name]);
    const hash = await this.passwords.hash(body.newPassword);
    return this.tx.write(async (tx) => {
      const authVersion = await this.users.setPassword(tx, userId, hash, false);
      if (authVersion === undefined) throw problems.unauthorised();
      await this.tokens.revoke(tx, { userId }, SessionEnd.PasswordChange);
      const sessionId = await this.tokens.openSession(tx, userId, actor.clientAddress);
      const pair = await this.tokens.issue(tx, { id: userId, authVersion }, sessionId);
      await this.audit.record(tx, actor, entry(AuthAudit.PasswordChange, userId));
      return pair;
    });
  }
}

/** The caller's user id: these routes are for signed-in users only (the guard let a token through). */
function signedIn(actor: Actor): string {
  if (!actor.userId) throw problems.unauthorised();
  return actor.userId;
}
