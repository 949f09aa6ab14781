import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AccessAudit } from '../access/access.codes.js';
import { mayConcern } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import { UsersService } from '../auth/users.service.js';
import { CaseReferencesService } from '../cases/case-references.service.js';
import { ReportReferencesService } from '../intelligence/report-references.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import { DirectoryAudit, DirectoryResource } from './directory.codes.js';
import {
  type DepartmentNames,
  type PeopleLookup,
  type PeopleLookupQuery,
  ReferenceKind,
  type ReferenceView,
  type UserNames,
  type UserNamesQuery,
} from './dto/directory.dto.js';

/**
 * Names and references for the console and API clients: a people lookup anyone working in Lantern may use
 * (no vetting data), users' and departments' display names, and a report or case found by its reference.
 * The directory owns no table: each answer comes from the owning module's exported service, and every
 * record-level rule from the access policy (modules/access).
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly accounts: UsersService,
    private readonly workforce: WorkforceService,
    private readonly reports: ReportReferencesService,
    private readonly cases: CaseReferencesService,
  ) {}

  /** An audited read: the audit row names the people it returned, so it is written after the lookup. */
  async people(actor: Actor, query: PeopleLookupQuery): Promise<PeopleLookup> {
    return this.tx.read(async (tx) => {
      const words = query.q.trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 3);
      const items = await this.workforce.lookup(tx, actor, words, query.limit);
      await this.audit.record(tx, actor, {
        action: DirectoryAudit.PeopleLookup,
        resourceType: DirectoryResource.WorkforceMember,
        subjectIds: items.map((i) => i.id),
        details: { returned: items.map((i) => i.id) },
      });
      return { items };
    });
  }

  /** Names only, not audited (as before): what the console shows beside ids it already has. */
  async users(query: UserNamesQuery): Promise<UserNames> {
    return { items: await this.tx.read((tx) => this.accounts.names(tx, query)) };
  }

  async departments(): Promise<DepartmentNames> {
    return { items: await this.tx.read((tx) => this.workforce.departmentList(tx)) };
  }

  /**
   * A report or case by its reference. One the caller may not see answers exactly like a missing one: the
   * same 404 and the same denied audit row (naming the members the record concerns, as requireVisible does),
   * each written on its own after the lookup.
   */
  async reference(actor: Actor, reference: string): Promise<ReferenceView> {
    const found = await this.tx.read((tx) => this.find(tx, reference.toUpperCase()));
    if (found && mayConcern(actor, found.members)) {
      await this.audit.recordAlone(actor, {
        action: DirectoryAudit.ReferenceLookup,
        resourceType: found.kind,
        resourceId: found.id,
        subjectIds: found.members,
      });
      return { kind: found.kind, id: found.id, reference: found.reference };
    }
    await this.audit.recordAlone(actor, {
      action: DirectoryAudit.ReferenceLookup,
      resourceType: DirectoryResource.Reference,
      subjectIds: found?.members ?? [],
      outcome: AuditOutcome.Denied,
      details: { reason: AccessAudit.NotVisible },
    });
    throw problems.notFound('report or case');
  }

  private async find(tx: EntityManager, reference: string) {
    const report = await this.reports.find(tx, reference);
    if (report) return { kind: ReferenceKind.IntelligenceReport, ...report };
    const found = await this.cases.find(tx, reference);
    return found && { kind: ReferenceKind.Case, ...found };
  }
}
