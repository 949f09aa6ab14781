import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isIsoDate } from '../../common/dates.js';
import { Jobs } from '../../common/jobs.js';
import { type Keyset, type Page, PageQuery, paginate } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { execute, Transactions } from '../../database/database.module.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type {
  ClearanceView,
  DeclarationRequest,
  DeclarationView,
  RecordClearanceRequest,
  WithdrawClearanceRequest,
} from './dto/vetting.dto.js';
import { AlertsService } from './alerts.service.js';
import { LEVEL_FAMILY } from './vetting-rules.js';
import { VettingRulesService } from './vetting-rules.service.js';
import { AlertSource, ALL_LEVELS, type VettingLevel } from './vetting.enums.js';

const CLEARANCE_COLUMNS = `c.id, c.workforce_member_id, c.level, c.granted_on::text AS granted_on,
  c.expires_on::text AS expires_on, c.superseded_on::text AS superseded_on, c.superseded_by_id,
  c.withdrawn_on::text AS withdrawn_on, c.withdrawal_reason, c.recorded_by, c.recorded_at, c.version`;
const statusAt = (today: string): string =>
  `vetting_clearance_status(c.expires_on, c.superseded_on, c.withdrawn_on, '${today}'::date) AS status`;

const BY_GRANT_DESC: Keyset = {
  columns: [
    { expr: 'c.granted_on', type: 'date' },
    { expr: 'c.id', type: 'uuid' },
  ],
  direction: 'DESC',
};
const DECLARATIONS_DESC: Keyset = {
  columns: [
    { expr: 'd.recorded_at', type: 'timestamptz' },
    { expr: 'd.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/**
 * Clearances (a history: a new clearance supersedes the person's current one of the same family, never
 * overwrites it) and declarations of change of circumstances. A user linked to workforce member W never
 * sees or records W's vetting: the access policy answers 404, as for a member that does not exist, and
 * audits the attempt as denied, naming W.
 */
@Injectable()
export class ClearancesService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
    private readonly rules: VettingRulesService,
    private readonly alerts: AlertsService,
    private readonly access: AccessService,
  ) {}

  private toView(r: Record<string, unknown>): ClearanceView {
    return {
      id: r.id as string,
      workforceMemberId: r.workforce_member_id as string,
      level: r.level as VettingLevel,
      grantedOn: r.granted_on as string,
      expiresOn: r.expires_on as string,
      renewalDueFrom: this.rules.renewalDueFrom(r.level as VettingLevel, r.expires_on as string),
      status: r.status as ClearanceView['status'],
      supersededOn: (r.superseded_on as string | null) ?? null,
      supersededById: (r.superseded_by_id as string | null) ?? null,
      withdrawnOn: (r.withdrawn_on as string | null) ?? null,
      withdrawalReason: (r.withdrawal_reason as string | null) ?? null,
      recordedBy: (r.recorded_by as string | null) ?? null,
      recordedAt: new Date(r.recorded_at as string).toISOString(),
      version: r.version as number,
    };
  }

  private assertDate(field: string, value: string): void {
    if (!isIsoDate(value)) throw problems.invalid(field, 'isDate', `${field} is not a calendar date`);
    if (value > this.clock.today())
      throw problems.invalid(field, 'notInFuture', `${field} must not be in the future`);
  }

  /**
   * 404 (and a denied audit row naming the member) when the member does not exist or is the actor's own
   * record: the same answer, by the same work (AccessService.requireVisible).
   */
  private async visibleMember(
    m: EntityManager,
    actor: Actor,
    memberId: string,
    action: string,
  ): Promise<void> {
    await this.access.requireVisible(m, actor, RecordKind.WorkforceMember, memberId, action);
  }

  async record(actor: Actor, memberId: string, body: RecordClearanceRequest): Promise<ClearanceView> {
    this.assertDate('grantedOn', body.grantedOn);
    if (body.expiresOn !== undefined) {
      if (!isIsoDate(body.expiresOn))
        throw problems.invalid('expiresOn', 'isDate', 'expiresOn is not a calendar date');
      if (body.expiresOn <= body.grantedOn) {
        throw problems.invalid('expiresOn', 'afterGrantedOn', 'expiresOn must be after grantedOn');
      }
    }
    const expiresOn = body.expiresOn ?? this.rules.expiryFor(body.level, body.grantedOn);
    const view = await this.tx.run(async (m) => {
      await this.visibleMember(m, actor, memberId, 'vetting_clearance.create');
      // One change to a person's clearances at a time.
      await m.query(`SELECT 1 FROM workforce_member WHERE id = $1 FOR UPDATE`, [memberId]);
      const family = ALL_LEVELS.filter((l) => LEVEL_FAMILY[l] === LEVEL_FAMILY[body.level]);
      const [newer] = await m.query<{ id: string }[]>(
        `SELECT id FROM vetting_clearance WHERE workforce_member_id = $1 AND level = ANY($2::vetting_level[])
            AND superseded_on IS NULL AND withdrawn_on IS NULL AND granted_on > $3 LIMIT 1`,
        [memberId, family, body.grantedOn],
      );
      if (newer) {
        throw problems.conflict(
          'newer_clearance_exists',
          'The person holds a clearance of this family granted after grantedOn; withdraw it first or correct the date',
          { clearanceId: newer.id },
        );
      }
      const id = randomUUID();
      await m.query(
        `INSERT INTO vetting_clearance (id, workforce_member_id, level, granted_on, expires_on, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, memberId, body.level, body.grantedOn, expiresOn, actor.userId],
      );
      const { rows: superseded } = await execute<{ id: string }>(
        m,
        `UPDATE vetting_clearance SET superseded_on = $3, superseded_by_id = $4, version = version + 1
          WHERE workforce_member_id = $1 AND level = ANY($2::vetting_level[]) AND id <> $4
            AND superseded_on IS NULL AND withdrawn_on IS NULL RETURNING id`,
        [memberId, family, body.grantedOn, id],
      );
      const [row] = await m.query<Record<string, unknown>[]>(
        `SELECT ${CLEARANCE_COLUMNS}, ${statusAt(this.clock.today())} FROM vetting_clearance c WHERE c.id = $1`,
        [id],
      );
      await this.audit.record(m, actor, {
        action: 'vetting_clearance.create',
        resourceType: 'vetting_clearance',
        resourceId: id,
        subjectIds: [memberId],
        details: { level: body.level, expiresOn, superseded: superseded.map((s) => s.id) },
      });
      return this.toView(row);
    });
    this.jobs.checkPerson(memberId);
    return view;
  }

  async listForMember(actor: Actor, memberId: string, query: PageQuery): Promise<Page<ClearanceView>> {
    return this.tx.read(async (m) => {
      await this.visibleMember(m, actor, memberId, 'vetting_clearance.list');
      const qb = m
        .createQueryBuilder()
        .select(CLEARANCE_COLUMNS)
        .addSelect(statusAt(this.clock.today()))
        .from('vetting_clearance', 'c')
        .where('c.workforce_member_id = :memberId', { memberId });
      const visible = visibleTo(actor, RecordKind.Clearance, 'c').named();
      qb.andWhere(visible.sql, visible.params);
      const page = await paginate(qb, BY_GRANT_DESC, query, (r) => this.toView(r));
      await this.audit.record(m, actor, {
        action: 'vetting_clearance.list',
        resourceType: 'vetting_clearance',
        subjectIds: [memberId],
        details: { returned: page.items.map((c) => c.id) },
      });
      return page;
    });
  }

  async get(actor: Actor, id: string): Promise<ClearanceView> {
    return this.tx.read(async (m) => {
      const clearance = await this.find(m, actor, id, 'vetting_clearance.read');
      await this.audit.record(m, actor, {
        action: 'vetting_clearance.read',
        resourceType: 'vetting_clearance',
        resourceId: id,
        subjectIds: [clearance.workforceMemberId],
      });
      return clearance;
    });
  }

  async withdraw(actor: Actor, id: string, body: WithdrawClearanceRequest): Promise<ClearanceView> {
    const withdrawnOn = body.withdrawnOn ?? this.clock.today();
    this.assertDate('withdrawnOn', withdrawnOn);
    const view = await this.tx.run(async (m) => {
      const current = await this.find(m, actor, id, 'vetting_clearance.withdraw');
      if (current.withdrawnOn || current.supersededOn) {
        throw problems.conflict('clearance_ended', 'The clearance has already been withdrawn or superseded');
      }
      if (withdrawnOn < current.grantedOn) {
        throw problems.invalid(
          'withdrawnOn',
          'notBeforeGrantedOn',
          'withdrawnOn must not be before the grant date',
        );
      }
      const { rows } = await execute<{ id: string }>(
        m,
        `UPDATE vetting_clearance SET withdrawn_on = $3, withdrawal_reason = $4, version = version + 1
          WHERE id = $1 AND version = $2 AND withdrawn_on IS NULL AND superseded_on IS NULL RETURNING id`,
        [id, body.version, withdrawnOn, body.reason],
      );
      if (rows.length === 0) throw problems.staleVersion();
      const [row] = await m.query<Record<string, unknown>[]>(
        `SELECT ${CLEARANCE_COLUMNS}, ${statusAt(this.clock.today())} FROM vetting_clearance c WHERE c.id = $1`,
        [id],
      );
      await this.audit.record(m, actor, {
        action: 'vetting_clearance.withdraw',
        resourceType: 'vetting_clearance',
        resourceId: id,
        subjectIds: [current.workforceMemberId],
        details: { withdrawnOn },
      });
      return this.toView(row);
    });
    this.jobs.checkPerson(view.workforceMemberId);
    return view;
  }

  /** The clearance if the actor may see it; else 404 and a denied audit row, as for one that does not exist. */
  private async find(m: EntityManager, actor: Actor, id: string, action: string): Promise<ClearanceView> {
    await this.access.requireVisible(m, actor, RecordKind.Clearance, id, action);
    const [row] = await m.query<Record<string, unknown>[]>(
      `SELECT ${CLEARANCE_COLUMNS}, ${statusAt(this.clock.today())} FROM vetting_clearance c WHERE c.id = $1`,
      [id],
    );
    if (!row) throw problems.notFound('clearance');
    return this.toView(row);
  }

  // ---------- declarations ----------

  async declare(actor: Actor, memberId: string, body: DeclarationRequest): Promise<DeclarationView> {
    this.assertDate('declaredOn', body.declaredOn);
    const view = await this.tx.run(async (m) => {
      await this.visibleMember(m, actor, memberId, 'vetting_declaration.create');
      const [row] = await m.query<Record<string, unknown>[]>(
        `INSERT INTO vetting_declaration (workforce_member_id, category, declared_on, description, recorded_by)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, workforce_member_id, category, declared_on::text AS declared_on, description, recorded_by, recorded_at`,
        [memberId, body.category, body.declaredOn, body.description, actor.userId],
      );
      const alertId = await this.alerts.raiseReviewRequired(m, memberId, {
        type: AlertSource.Declaration,
        id: row.id as string,
      });
      await this.audit.record(m, actor, {
        action: 'vetting_declaration.create',
        resourceType: 'vetting_declaration',
        resourceId: row.id as string,
        subjectIds: [memberId],
        details: { category: body.category, alertId },
      });
      return this.toDeclaration({ ...row, alert_id: alertId });
    });
    this.jobs.relayOutbox();
    return view;
  }

  async listDeclarations(actor: Actor, memberId: string, query: PageQuery): Promise<Page<DeclarationView>> {
    return this.tx.read(async (m) => {
      await this.visibleMember(m, actor, memberId, 'vetting_declaration.list');
      const qb = m
        .createQueryBuilder()
        .select(
          `d.id, d.workforce_member_id, d.category, d.declared_on::text AS declared_on, d.description, d.recorded_by,
           d.recorded_at, a.id AS alert_id`,
        )
        .from('vetting_declaration', 'd')
        .leftJoin('vetting_alert', 'a', `a.source_type = 'declaration' AND a.source_id = d.id`)
        .where('d.workforce_member_id = :memberId', { memberId });
      const visible = visibleTo(actor, RecordKind.Declaration, 'd').named();
      qb.andWhere(visible.sql, visible.params);
      const page = await paginate(qb, DECLARATIONS_DESC, query, (r) => this.toDeclaration(r));
      await this.audit.record(m, actor, {
        action: 'vetting_declaration.list',
        resourceType: 'vetting_declaration',
        subjectIds: [memberId],
        details: { returned: page.items.map((d) => d.id) },
      });
      return page;
    });
  }

  private toDeclaration(r: Record<string, unknown>): DeclarationView {
    return {
      id: r.id as string,
      workforceMemberId: r.workforce_member_id as string,
      category: r.category as DeclarationView['category'],
      declaredOn: r.declared_on as string,
      description: r.description as string,
      recordedBy: (r.recorded_by as string | null) ?? null,
      recordedAt: new Date(r.recorded_at as string).toISOString(),
      alertId: r.alert_id as string,
    };
  }
}
