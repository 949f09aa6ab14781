import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { Jobs } from '../../common/jobs.js';
import type { Page } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type {
  CreateMemberRequest,
  MemberQuery,
  MemberView,
  UpdateMemberRequest,
} from './dto/workforce.dto.js';
import { DirectoryLookupRepository } from './directory-lookup.repository.js';
import { OrganisationRepository } from './organisation.repository.js';
import { OrganisationService, unique } from './organisation.service.js';
import { WorkforceAudit, WorkforceError, WorkforceResource } from './workforce.codes.js';
import { type MemberBrief, WorkforceRepository } from './workforce.repository.js';

export type { MemberBrief } from './workforce.repository.js';

/**
 * Workforce members. Members are personal records: a user linked to workforce member W never sees or changes
 * W here (the access policy: left out of lists; a read or change by id answers 404 with a denied audit row
 * naming W, as for a member that does not exist), as with W's vetting records; nor changes the post they hold
 * (separation of duties, OrganisationService). Other modules read workforce data through this service.
 */
@Injectable()
export class WorkforceService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
    private readonly access: AccessService,
    private readonly repository: WorkforceRepository,
    private readonly organisation: OrganisationService,
    private readonly departments: OrganisationRepository,
    private readonly directoryLookup: DirectoryLookupRepository,
  ) {}

  // ---------- for other modules ----------

  /** 400 naming `field` unless `id` is a workforce member (for links from users, intelligence, cases). */
  async assertExists(manager: EntityManager, id: string, field = 'workforceMemberId'): Promise<void> {
    if ((await this.repository.existing(manager, [id])).length === 0)
      throw problems.invalid(field, 'exists', `${field} does not name a workforce member`);
  }

  /** 400 naming `field` unless every id is a workforce member (for cases' and intelligence's subjects). */
  async assertMembers(manager: EntityManager, ids: readonly string[], field: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const found = await this.repository.existing(manager, unique);
    if (found.length !== unique.length) {
      throw problems.invalid(field, 'exists', `${field} names a workforce member that does not exist`);
    }
  }

  /** Staff number, name and type of each of `ids` that exists, by id (for the cases naming them). */
  briefs(tx: EntityManager, ids: readonly string[]): Promise<MemberBrief[]> {
    return this.repository.briefs(tx, ids);
  }

  /** Locks the member's record until the caller's transaction ends (vetting: one clearance change at a time). */
  lockMember(manager: EntityManager, id: string): Promise<void> {
    return this.repository.lock(manager, id);
  }

  /** The names of the departments among `ids`, by id (vetting's compliance by department). */
  departmentNames(manager: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    return this.departments.departmentNames(manager, ids);
  }

  /**
   * The member, 404 when missing or hidden from the actor by the access policy (their own record). Writes no
   * audit row: a caller answering a request by id checks with AccessService.requireVisible first.
   */
  async findVisible(manager: EntityManager, actor: Actor, id: string): Promise<MemberView> {
    const member = await this.repository.findVisible(manager, actor, id, this.clock.today());
    if (!member) throw problems.notFound('workforce member');
    return member;
  }

  // ---------- members ----------

  async createMember(actor: Actor, body: CreateMemberRequest): Promise<MemberView> {
    this.assertDates(body.startDate ?? null, body.leaveDate ?? null);
    const member = await this.tx.write(async (m) => {
      if (body.departmentId) await this.organisation.assertDepartment(m, body.departmentId);
      if (body.postId) await this.organisation.assertPost(m, body.postId);
      const id = await unique(
        () => this.repository.insert(m, body),
        WorkforceError.StaffNumberTaken,
        'A workforce member with this staff number already exists',
      );
      const view = await this.findVisible(m, actor, id);
      await this.audit.record(m, actor, {
        action: WorkforceAudit.MemberCreate,
        resourceType: WorkforceResource.Member,
        resourceId: id,
        subjectIds: [id],
      });
      return view;
    });
    if (member.postId) this.jobs.checkPerson(member.id);
    return member;
  }

  async listMembers(actor: Actor, query: MemberQuery): Promise<Page<MemberView>> {
    return this.tx.read(async (m) => {
      const page = await this.repository.page(m, actor, query, this.clock.today());
      await this.audit.record(m, actor, {
        action: WorkforceAudit.MemberList,
        resourceType: WorkforceResource.Member,
        subjectIds: page.items.map((i) => i.id),
        details: { returned: page.items.map((i) => i.id) },
      });
      return page;
    });
  }

  async getMember(actor: Actor, id: string): Promise<MemberView> {
    return this.tx.read(async (m) => {
      const { subjectIds } = await this.access.requireVisible(
        m,
        actor,
        RecordKind.WorkforceMember,
        id,
        WorkforceAudit.MemberRead,
      );
      const member = await this.findVisible(m, actor, id);
      await this.audit.record(m, actor, {
        action: WorkforceAudit.MemberRead,
        resourceType: WorkforceResource.Member,
        resourceId: id,
        subjectIds,
      });
      return member;
    });
  }

  async updateMember(actor: Actor, id: string, body: UpdateMemberRequest): Promise<MemberView> {
    const result = await this.tx.write(async (m) => {
      // Missing, or the caller's own record (nobody changes their own post, dates or vetting requirement):
      // the same 404 and a denied audit row naming the member, before anything about the body is judged.
      await this.access.requireVisible(m, actor, RecordKind.WorkforceMember, id, WorkforceAudit.MemberUpdate);
      if (body.departmentId) await this.organisation.assertDepartment(m, body.departmentId);
      if (body.postId) await this.organisation.assertPost(m, body.postId);
      const before = await this.repository.dates(m, id);
      if (!before) throw problems.notFound('workforce member');
      this.assertDates(
        body.startDate !== undefined ? body.startDate : before.start_date,
        body.leaveDate !== undefined ? body.leaveDate : before.leave_date,
      );
      const updated = await unique(
        () => this.repository.update(m, id, body),
        WorkforceError.StaffNumberTaken,
        'A workforce member with this staff number already exists',
      );
      if (!updated) throw problems.staleVersion();
      const member = await this.findVisible(m, actor, id);
      const vettingRelevant =
        before.post_id !== member.postId ||
        before.start_date !== member.startDate ||
        before.leave_date !== member.leaveDate;
      await this.audit.record(m, actor, {
        action: WorkforceAudit.MemberUpdate,
        resourceType: WorkforceResource.Member,
        resourceId: id,
        subjectIds: [id],
        details: { fields: Object.keys(body).filter((k) => k !== 'version') },
      });
      return { member, vettingRelevant };
    });
    // A move of post (or a start or leave date) changes what the person needs: check them now.
    if (result.vettingRelevant) this.jobs.checkPerson(id);
    return result.member;
  }

  private assertDates(start: string | null, leave: string | null): void {
    if (start && leave && leave < start) {
      throw problems.invalid('leaveDate', 'notBeforeStart', 'leaveDate must not be before startDate');
    }
  }

  /**
   * For the directory: members the actor may see whose staff number or names start with each of `words`
   * (lower case), by name, at most `limit`; names, rank and department only, no vetting data. Not audited
   * here: the caller audits the lookup with what it returned.
   */
  lookup(tx: EntityManager, actor: Actor, words: readonly string[], limit: number) {
    return this.directoryLookup.people(tx, actor, words, limit);
  }

  /** For the directory: every department's id, code and name, by name. */
  departmentList(tx: EntityManager) {
    return this.directoryLookup.departments(tx);
  }
}
