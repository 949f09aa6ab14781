import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { type Keyset, type Page, paginate } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { execute, Transactions } from '../../database/database.module.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AlertQuery, AlertView, ResolveAlertRequest } from './dto/vetting.dto.js';
import { AlertKind, type AlertSource, AlertStatus } from './vetting.enums.js';

const ALERT_COLUMNS = `a.id, a.kind, a.status, a.workforce_member_id, w.staff_number, w.given_name, w.family_name,
  w.department_id, a.clearance_id, a.level, a.due_on::text AS due_on, a.source_type, a.source_id, a.raised_at,
  a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.resolution_reason,
  a.review_by::text AS review_by, a.version`;

/** Most urgent first: the earliest due date (expired clearances are due in the past), then id. */
const BY_DUE: Keyset = {
  columns: [
    { expr: 'a.due_on', type: 'date' },
    { expr: 'a.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

/** The kinds the sweep raises from a person's vetting state (the others come from declarations and outcomes). */
const SWEEP_KINDS: string[] = [AlertKind.RenewalDue, AlertKind.Overdue, AlertKind.BelowRequired];
/** How far ahead a hand resolution may put its review. */
const MAX_REVIEW_DAYS = 365;

const ts = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

const toView = (r: Record<string, unknown>): AlertView => ({
  id: r.id as string,
  kind: r.kind as AlertView['kind'],
  status: r.status as AlertView['status'],
  workforceMember: {
    id: r.workforce_member_id as string,
    staffNumber: r.staff_number as string,
    givenName: r.given_name as string,
    familyName: r.family_name as string,
    departmentId: (r.department_id as string | null) ?? null,
  },
  clearanceId: (r.clearance_id as string | null) ?? null,
  level: (r.level as AlertView['level']) ?? null,
  dueOn: r.due_on as string,
  sourceType: (r.source_type as AlertView['sourceType']) ?? null,
  sourceId: (r.source_id as string | null) ?? null,
  raisedAt: ts(r.raised_at) as string,
  acknowledgedAt: ts(r.acknowledged_at),
  acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
  resolvedAt: ts(r.resolved_at),
  resolvedBy: (r.resolved_by as string | null) ?? null,
  resolutionReason: (r.resolution_reason as string | null) ?? null,
  reviewBy: (r.review_by as string | null) ?? null,
  version: r.version as number,
});

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
  ) {}

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
    const [row] = await m.query<{ id: string }[]>(
      `WITH raised AS (
         INSERT INTO vetting_alert (workforce_member_id, kind, due_on, source_type, source_id)
         VALUES ($1, 'review_required', $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id)
       SELECT id FROM raised
       UNION ALL SELECT id FROM vetting_alert WHERE source_type = $3 AND source_id = $4
       LIMIT 1`,
      [memberId, this.clock.today(), source.type, source.id],
    );
    return row.id;
  }

  async list(actor: Actor, query: AlertQuery): Promise<Page<AlertView>> {
    return this.tx.read(async (m) => {
      const qb = m
        .createQueryBuilder()
        .select(ALERT_COLUMNS)
        .from('vetting_alert', 'a')
        .innerJoin('workforce_member', 'w', 'w.id = a.workforce_member_id');
      const visible = visibleTo(actor, RecordKind.Alert, 'a').named();
      qb.andWhere(visible.sql, visible.params);
      if (query.status) qb.andWhere('a.status = :status', { status: query.status });
      else qb.andWhere(`a.status <> 'resolved'`);
      if (query.kind) qb.andWhere('a.kind = :kind', { kind: query.kind });
      if (query.level) qb.andWhere('a.level = :level', { level: query.level });
      if (query.departmentId) qb.andWhere('w.department_id = :dep', { dep: query.departmentId });
      if (query.workforceMemberId)
        qb.andWhere('a.workforce_member_id = :wm', { wm: query.workforceMemberId });
      if (query.dueBefore) qb.andWhere('a.due_on < CAST(:dueBefore AS date)', { dueBefore: query.dueBefore });
      const page = await paginate(qb, BY_DUE, query, toView);
      await this.audit.record(m, actor, {
        action: 'vetting_alert.list',
        resourceType: 'vetting_alert',
        subjectIds: [...new Set(page.items.map((a) => a.workforceMember.id))],
        details: { returned: page.items.map((a) => a.id) },
      });
      return page;
    });
  }

  /** A person's alerts that are not resolved, most urgent first (for the subject profile). */
  async openFor(m: EntityManager, memberId: string): Promise<AlertView[]> {
    const rows = await m
      .createQueryBuilder()
      .select(ALERT_COLUMNS)
      .from('vetting_alert', 'a')
      .innerJoin('workforce_member', 'w', 'w.id = a.workforce_member_id')
      .where('a.workforce_member_id = :member', { member: memberId })
      .andWhere(`a.status <> 'resolved'`)
      .orderBy('a.due_on', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows.map(toView);
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    return this.tx.read(async (m) => {
      const alert = await this.find(m, actor, id, 'vetting_alert.read');
      await this.audit.record(m, actor, {
        action: 'vetting_alert.read',
        resourceType: 'vetting_alert',
        resourceId: id,
        subjectIds: [alert.workforceMember.id],
      });
      return alert;
    });
  }

  async acknowledge(actor: Actor, id: string, version: number): Promise<AlertView> {
    return this.transition(actor, id, version, 'vetting_alert.acknowledge', [AlertStatus.Open], (m) =>
      execute<{ id: string }>(
        m,
        `UPDATE vetting_alert SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $3,
                version = version + 1
          WHERE id = $1 AND version = $2 AND status = 'open' RETURNING id`,
        [id, version, actor.userId],
      ),
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
      const ahead = (Date.parse(body.reviewBy) - Date.parse(today)) / 86_400_000;
      if (!Number.isFinite(ahead) || new Date(body.reviewBy).toISOString().slice(0, 10) !== body.reviewBy)
        throw problems.invalid('reviewBy', 'isDate', 'reviewBy must be a valid date (YYYY-MM-DD)');
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
      'vetting_alert.resolve',
      [AlertStatus.Open, AlertStatus.Acknowledged],
      async (m, before) => {
        // (A stale version or a resolved alert is answered first, as for any transition, by the update.)
        const current = before.version === body.version && before.status !== AlertStatus.Resolved;
        if (current && body.reviewBy === undefined && (await this.causeRemains(m, before, today)))
          throw problems.unprocessable(
            'review_by_required',
            `The alert's cause still holds on ${today}: give reviewBy, the date by which it is reviewed (it is raised again then if the cause remains)`,
          );
        return execute<{ id: string }>(
          m,
          `UPDATE vetting_alert SET status = 'resolved', resolved_at = now(), resolved_by = $3,
                  resolution_reason = $4, review_by = $5::date, version = version + 1
            WHERE id = $1 AND version = $2 AND status <> 'resolved' RETURNING id`,
          [id, body.version, actor.userId, body.reason, body.reviewBy ?? null],
        );
      },
    );
  }

  /** Whether the sweep would raise this alert again today (a sweep kind whose state still holds). */
  private async causeRemains(m: EntityManager, alert: AlertView, today: string): Promise<boolean> {
    if (!SWEEP_KINDS.includes(alert.kind)) return false;
    const rows = await m.query<unknown[]>(
      `SELECT 1 FROM vetting_states_at($1::date) s
        WHERE s.workforce_member_id = $2 AND s.is_current AND s.state::text = $3
          AND ($3 = 'below_required' OR s.clearance_id = $4::uuid)`,
      [today, alert.workforceMember.id, alert.kind, alert.clearanceId],
    );
    return rows.length > 0;
  }

  private async transition(
    actor: Actor,
    id: string,
    version: number,
    action: string,
    from: AlertStatus[],
    update: (m: EntityManager, before: AlertView) => Promise<{ rows: { id: string }[] }>,
  ): Promise<AlertView> {
    return this.tx.run(async (m) => {
      const before = await this.find(m, actor, id, action);
      const { rows } = await update(m, before);
      if (rows.length === 0) {
        // Already past this step, or changed by someone else since the caller (or this request) read it.
        if (!from.includes(before.status)) {
          throw problems.conflict(
            'invalid_transition',
            `The alert is ${before.status}; this step needs it ${from.join(' or ')}`,
          );
        }
        throw problems.staleVersion();
      }
      const after = await this.load(m, id);
      await this.audit.record(m, actor, {
        action,
        resourceType: 'vetting_alert',
        resourceId: id,
        subjectIds: [after.workforceMember.id],
        details: { from: before.status, to: after.status },
      });
      return after;
    });
  }

  /** The alert if the actor may see it; else 404 and a denied audit row, as for one that does not exist. */
  private async find(m: EntityManager, actor: Actor, id: string, action: string): Promise<AlertView> {
    await this.access.requireVisible(m, actor, RecordKind.Alert, id, action);
    return this.load(m, id);
  }

  /** An alert already shown visible (`find`). */
  private async load(m: EntityManager, id: string): Promise<AlertView> {
    const [row] = await m.query<Record<string, unknown>[]>(
      `SELECT ${ALERT_COLUMNS} FROM vetting_alert a JOIN workforce_member w ON w.id = a.workforce_member_id
        WHERE a.id = $1`,
      [id],
    );
    if (!row) throw problems.notFound('alert');
    return toView(row);
  }
}
