import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { dayNumber, isIsoDate } from '../../common/dates.js';
import type { Page } from '../../common/pagination.js';
import { CommonError, problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../auth/users.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import type { AlertQuery, AlertView, ResolveAlertRequest } from './dto/vetting.dto.js';
import { AlertsRepository } from './alerts.repository.js';
import { VettingAudit, VettingError, VettingResource } from './vetting.codes.js';
import { AlertKind, type AlertSource, AlertStatus } from './vetting.enums.js';

/** The kinds the sweep raises from a person's vetting state (the others come from declarations and outcomes). */
const SWEEP_KINDS: AlertKind[] = [AlertKind.RenewalDue, AlertKind.Overdue, AlertKind.BelowRequired];
/** How far ahead a hand resolution may put its review. */
const MAX_REVIEW_DAYS = 365;

/**
 * Vetting alerts: the vetting officers' work queue. Raised by the sweep (renewal_due, overdue,
 * below_required) and by declarations or misconduct outcomes (review_required); acknowledged, then
 * resolved with a reason. A user never sees alerts about their own workforce record (the access policy:
 * left out of lists, and a direct read or action answers 404 with a denied audit row naming the person).
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly repository: AlertsRepository,
    private readonly workforce: WorkforceService,
    private readonly users: UsersService,
  ) {}

  /** `alerts` with their people's departments and the acting users named: one lookup of each per call. */
  private async named(m: EntityManager, alerts: AlertView[]): Promise<AlertView[]> {
    const departments = await this.workforce.departmentNames(
      m,
      alerts.flatMap((a) => (a.workforceMember.departmentId ? [a.workforceMember.departmentId] : [])),
    );
    const users = await this.users.displayNames(
      m,
      alerts.flatMap((a) => [a.acknowledgedBy, a.resolvedBy].filter((u) => u !== null)),
    );
    const user = (id: string | null): string | null => (id === null ? null : (users.get(id) ?? null));
    return alerts.map((a) => ({
      ...a,
      workforceMember: {
        ...a.workforceMember,
        departmentName: a.workforceMember.departmentId
          ? (departments.get(a.workforceMember.departmentId) ?? null)
          : null,
      },
      acknowledgedByName: user(a.acknowledgedBy),
      resolvedByName: user(a.resolvedBy),
    }));
  }

  /**
   * Raises a review_required alert in the caller's transaction (once per source: a retry raises
   * nothing twice) and returns its id. Its outbox message is written by the same statement (trigger).
   * For the cases module: a misconduct outcome short of dismissal calls this with its outcome id.
   */
  async raiseReviewRequired(
    m: EntityManager,
    memberId: string,
    source: { type: AlertSource; id: string },
  ): Promise<string> {
    return this.repository.raiseReviewRequired(m, memberId, this.clock.today(), source);
  }

  async list(actor: Actor, query: AlertQuery): Promise<Page<AlertView>> {
    return this.tx.read(async (m) => {
      const found = await this.repository.page(m, actor, query);
      const page = { ...found, items: await this.named(m, found.items) };
      await this.audit.record(m, actor, {
        action: VettingAudit.AlertList,
        resourceType: VettingResource.Alert,
        subjectIds: [...new Set(page.items.map((a) => a.workforceMember.id))],
        details: { returned: page.items.map((a) => a.id) },
      });
      return page;
    });
  }

  /** A person's alerts that are not resolved, most urgent first (for the subject profile). */
  async openFor(m: EntityManager, memberId: string): Promise<AlertView[]> {
    return this.named(m, await this.repository.openFor(m, memberId));
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    return this.tx.read(async (m) => {
      const alert = await this.find(m, actor, id, VettingAudit.AlertRead);
      await this.audit.record(m, actor, {
        action: VettingAudit.AlertRead,
        resourceType: VettingResource.Alert,
        resourceId: id,
        subjectIds: [alert.workforceMember.id],
      });
      return alert;
    });
  }

  async acknowledge(actor: Actor, id: string, version: number): Promise<AlertView> {
    return this.transition(actor, id, version, VettingAudit.AlertAcknowledge, [AlertStatus.Open], (m) =>
      this.repository.acknowledge(m, id, version, actor.userId),
    );
  }

  /**
   * Resolves an alert by hand. While the sweep's cause of it still holds (the person is still due, overdue or
   * below their post's level on that clearance), the officer must say by when it is reviewed (`reviewBy`):
   * the sweep raises it again from that date if the cause is still there. Without a cause, no date is needed.
   */
  async resolve(actor: Actor, id: string, body: ResolveAlertRequest): Promise<AlertView> {
    const today = this.clock.today();
    if (body.reviewBy !== undefined) {
      if (!isIsoDate(body.reviewBy))
        throw problems.invalid('reviewBy', 'isDate', 'reviewBy must be a valid date (YYYY-MM-DD)');
      const ahead = dayNumber(body.reviewBy) - dayNumber(today);
      if (ahead < 1 || ahead > MAX_REVIEW_DAYS)
        throw problems.invalid(
          'reviewBy',
          'range',
          `reviewBy must be after today (${today}) and at most ${MAX_REVIEW_DAYS} days ahead`,
        );
    }
    return this.transition(
      actor,
      id,
      body.version,
      VettingAudit.AlertResolve,
      [AlertStatus.Open, AlertStatus.Acknowledged],
      async (m, before) => {
        // (A stale version or a resolved alert is answered first, as for any transition, by the update.)
        const current = before.version === body.version && before.status !== AlertStatus.Resolved;
        if (current && body.reviewBy === undefined && (await this.causeRemains(m, before, today)))
          throw problems.unprocessable(
            VettingError.ReviewByRequired,
            `The alert's cause still holds on ${today}: give reviewBy, the date by which it is reviewed (it is raised again then if the cause remains)`,
          );
        return this.repository.resolve(m, id, body.version, actor.userId, body.reason, body.reviewBy ?? null);
      },
    );
  }

  /** Whether the sweep would raise this alert again today (a sweep kind whose state still holds). */
  private async causeRemains(m: EntityManager, alert: AlertView, today: string): Promise<boolean> {
    if (!SWEEP_KINDS.includes(alert.kind)) return false;
    return this.repository.stateHolds(m, today, alert.workforceMember.id, alert.kind, alert.clearanceId);
  }

  private async transition(
    actor: Actor,
    id: string,
    version: number,
    action: VettingAudit,
    from: AlertStatus[],
    update: (m: EntityManager, before: AlertView) => Promise<boolean>,
  ): Promise<AlertView> {
    return this.tx.write(async (m) => {
      const before = await this.find(m, actor, id, action);
      if (!(await update(m, before))) {
        // Already past this step, or changed by someone else since the caller (or this request) read it.
        if (!from.includes(before.status)) {
          throw problems.conflict(
            CommonError.InvalidTransition,
            `The alert is ${before.status}; this step needs it ${from.join(' or ')}`,
          );
        }
        throw problems.staleVersion();
      }
      const after = await this.load(m, id);
      await this.audit.record(m, actor, {
        action,
        resourceType: VettingResource.Alert,
        resourceId: id,
        subjectIds: [after.workforceMember.id],
        details: { from: before.status, to: after.status },
      });
      return after;
    });
  }

  /** The alert if the actor may see it; else 404 and a denied audit row, as for one that does not exist. */
  private async find(m: EntityManager, actor: Actor, id: string, action: VettingAudit): Promise<AlertView> {
    await this.access.requireVisible(m, actor, RecordKind.Alert, id, action);
    return this.load(m, id);
  }

  /** An alert already shown visible (`find`). */
  private async load(m: EntityManager, id: string): Promise<AlertView> {
    const alert = await this.repository.load(m, id);
    if (!alert) throw problems.notFound('alert');
    return (await this.named(m, [alert]))[0];
  }
}
