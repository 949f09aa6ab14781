import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isIsoDate } from '../../common/dates.js';
import { Jobs } from '../../common/jobs.js';
import type { Page, PageQuery } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type {
  ClearanceView,
  DeclarationRequest,
  DeclarationView,
  RecordClearanceRequest,
  WithdrawClearanceRequest,
} from './dto/vetting.dto.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import { AlertsService } from './alerts.service.js';
import { type ClearanceRecord, ClearancesRepository } from './clearances.repository.js';
import { VettingAudit, VettingError, VettingResource } from './vetting.codes.js';
import { LEVEL_FAMILY } from './vetting-rules.js';
import { VettingRulesService } from './vetting-rules.service.js';
import { AlertSource, ALL_LEVELS, DeclarationCategory } from './vetting.enums.js';
import { type DeclaredAssociate, DeclaredAssociations } from './declared-associations.port.js';

/** The categories of declaration that name people the member is associated with. */
const ASSOCIATION_CATEGORIES: ReadonlySet<DeclarationCategory> = new Set([
  DeclarationCategory.Association,
  DeclarationCategory.Relationship,
]);

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
    private readonly repository: ClearancesRepository,
    private readonly workforce: WorkforceService,
    private readonly associations: DeclaredAssociations,
  ) {}

  private toView(c: ClearanceRecord): ClearanceView {
    return {
      id: c.id,
      workforceMemberId: c.workforceMemberId,
      level: c.level,
      grantedOn: c.grantedOn,
      expiresOn: c.expiresOn,
      renewalDueFrom: this.rules.renewalDueFrom(c.level, c.expiresOn),
      status: c.status,
      supersededOn: c.supersededOn,
      supersededById: c.supersededById,
      withdrawnOn: c.withdrawnOn,
      withdrawalReason: c.withdrawalReason,
      recordedBy: c.recordedBy,
      recordedAt: c.recordedAt,
      version: c.version,
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
    action: VettingAudit,
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
    const view = await this.tx.write(async (m) => {
      await this.visibleMember(m, actor, memberId, VettingAudit.ClearanceCreate);
      // One change to a person's clearances at a time.
      await this.workforce.lockMember(m, memberId);
      const family = ALL_LEVELS.filter((l) => LEVEL_FAMILY[l] === LEVEL_FAMILY[body.level]);
      const newer = await this.repository.newerCurrent(m, memberId, family, body.grantedOn);
      if (newer) {
        throw problems.conflict(
          VettingError.NewerClearanceExists,
          'The person holds a clearance of this family granted after grantedOn; withdraw it first or correct the date',
          { clearanceId: newer },
        );
      }
      const id = randomUUID();
      await this.repository.insert(m, {
        id,
        memberId,
        level: body.level,
        grantedOn: body.grantedOn,
        expiresOn,
        recordedBy: actor.userId,
      });
      const superseded = await this.repository.supersede(m, memberId, family, body.grantedOn, id);
      const clearance = await this.load(m, id);
      await this.audit.record(m, actor, {
        action: VettingAudit.ClearanceCreate,
        resourceType: VettingResource.Clearance,
        resourceId: id,
        subjectIds: [memberId],
        details: { level: body.level, expiresOn, superseded },
      });
      return clearance;
    });
    this.jobs.checkPerson(memberId);
    return view;
  }

  async listForMember(actor: Actor, memberId: string, query: PageQuery): Promise<Page<ClearanceView>> {
    return this.tx.read(async (m) => {
      await this.visibleMember(m, actor, memberId, VettingAudit.ClearanceList);
      const records = await this.repository.page(m, actor, memberId, this.clock.today(), query);
      const page = { ...records, items: records.items.map((c) => this.toView(c)) };
      await this.audit.record(m, actor, {
        action: VettingAudit.ClearanceList,
        resourceType: VettingResource.Clearance,
        subjectIds: [memberId],
        details: { returned: page.items.map((c) => c.id) },
      });
      return page;
    });
  }

  async get(actor: Actor, id: string): Promise<ClearanceView> {
    return this.tx.read(async (m) => {
      const clearance = await this.find(m, actor, id, VettingAudit.ClearanceRead);
      await this.audit.record(m, actor, {
        action: VettingAudit.ClearanceRead,
        resourceType: VettingResource.Clearance,
        resourceId: id,
        subjectIds: [clearance.workforceMemberId],
      });
      return clearance;
    });
  }

  async withdraw(actor: Actor, id: string, body: WithdrawClearanceRequest): Promise<ClearanceView> {
    const withdrawnOn = body.withdrawnOn ?? this.clock.today();
    this.assertDate('withdrawnOn', withdrawnOn);
    const view = await this.tx.write(async (m) => {
      const current = await this.find(m, actor, id, VettingAudit.ClearanceWithdraw);
      if (current.withdrawnOn || current.supersededOn) {
        throw problems.conflict(
          VettingError.ClearanceEnded,
          'The clearance has already been withdrawn or superseded',
        );
      }
      if (withdrawnOn < current.grantedOn) {
        throw problems.invalid(
          'withdrawnOn',
          'notBeforeGrantedOn',
          'withdrawnOn must not be before the grant date',
        );
      }
      if (!(await this.repository.withdraw(m, id, body.version, withdrawnOn, body.reason)))
        throw problems.staleVersion();
      const clearance = await this.load(m, id);
      await this.audit.record(m, actor, {
        action: VettingAudit.ClearanceWithdraw,
        resourceType: VettingResource.Clearance,
        resourceId: id,
        subjectIds: [current.workforceMemberId],
        details: { withdrawnOn },
      });
      return clearance;
    });
    this.jobs.checkPerson(view.workforceMemberId);
    return view;
  }

  /** The clearance if the actor may see it; else 404 and a denied audit row, as for one that does not exist. */
  private async find(
    m: EntityManager,
    actor: Actor,
    id: string,
    action: VettingAudit,
  ): Promise<ClearanceView> {
    await this.access.requireVisible(m, actor, RecordKind.Clearance, id, action);
    return this.load(m, id);
  }

  /** A clearance already shown visible, with its status today. */
  private async load(m: EntityManager, id: string): Promise<ClearanceView> {
    const clearance = await this.repository.load(m, id, this.clock.today());
    if (!clearance) throw problems.notFound('clearance');
    return this.toView(clearance);
  }

  // ---------- declarations ----------

  /**
   * Records a declaration; its review_required alert; and, for an association or relationship, the people
   * declared, which ICT monitoring then watches the member's look-ups of (through `DeclaredAssociations`, in
   * the same transaction).
   */
  async declare(actor: Actor, memberId: string, body: DeclarationRequest): Promise<DeclarationView> {
    this.assertDate('declaredOn', body.declaredOn);
    const associates = this.associatesOf(body);
    const view = await this.tx.write(async (m) => {
      await this.visibleMember(m, actor, memberId, VettingAudit.DeclarationCreate);
      const declaration = await this.repository.insertDeclaration(
        m,
        memberId,
        body,
        associates,
        actor.userId,
      );
      if (associates.length > 0)
        await this.associations.declared(m, memberId, declaration.id, body.declaredOn, associates);
      const alertId = await this.alerts.raiseReviewRequired(m, memberId, {
        type: AlertSource.Declaration,
        id: declaration.id,
      });
      await this.audit.record(m, actor, {
        action: VettingAudit.DeclarationCreate,
        resourceType: VettingResource.Declaration,
        resourceId: declaration.id,
        subjectIds: [memberId],
        // Counts only: who was declared is for vetting staff, never the trail's details.
        details: {
          category: body.category,
          alertId,
          associates: associates.length,
          personRefs: associates.reduce((n, a) => n + a.personRefs.length, 0),
        },
      });
      return { ...declaration, alertId };
    });
    this.jobs.relayOutbox();
    return view;
  }

  /** The declared associates, checked: only for an association or relationship; dates of birth in the past. */
  private associatesOf(body: DeclarationRequest): DeclaredAssociate[] {
    const given = body.associates ?? [];
    if (given.length > 0 && !ASSOCIATION_CATEGORIES.has(body.category))
      throw problems.invalid(
        'associates',
        'category',
        'associates are declared with an association or relationship only',
      );
    return given.map((a, i) => {
      if (a.dateOfBirth !== undefined) {
        if (!isIsoDate(a.dateOfBirth))
          throw problems.invalid(
            `associates.${i}.dateOfBirth`,
            'isDate',
            'dateOfBirth is not a calendar date',
          );
        if (a.dateOfBirth > this.clock.today())
          throw problems.invalid(
            `associates.${i}.dateOfBirth`,
            'notInFuture',
            'dateOfBirth must be in the past',
          );
      }
      return {
        name: a.name,
        dateOfBirth: a.dateOfBirth ?? null,
        personRefs: [...new Set((a.personRefs ?? []).filter((r) => r.length > 0))],
      };
    });
  }

  async listDeclarations(actor: Actor, memberId: string, query: PageQuery): Promise<Page<DeclarationView>> {
    return this.tx.read(async (m) => {
      await this.visibleMember(m, actor, memberId, VettingAudit.DeclarationList);
      const page = await this.repository.pageDeclarations(m, actor, memberId, query);
      await this.audit.record(m, actor, {
        action: VettingAudit.DeclarationList,
        resourceType: VettingResource.Declaration,
        subjectIds: [memberId],
        details: { returned: page.items.map((d) => d.id) },
      });
      return page;
    });
  }
}
