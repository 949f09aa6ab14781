import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { Jobs } from '../../common/jobs.js';
import { type Keyset, type Page, paginate } from '../../common/pagination.js';
import { ProblemException, problems } from '../../common/problem.js';
import { execute, Transactions } from '../../database/database.module.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import type {
  CreateDepartmentRequest,
  CreateMemberRequest,
  CreatePostRequest,
  DepartmentQuery,
  DepartmentView,
  MemberQuery,
  MemberView,
  PostQuery,
  PostView,
  UpdateDepartmentRequest,
  UpdateMemberRequest,
  UpdatePostRequest,
} from './dto/workforce.dto.js';
import { DirectoryLookupRepository } from './directory-lookup.repository.js';

const DEPARTMENT_COLUMNS = `d.id, d.code, d.name, d.version, d.created_at, d.updated_at`;
const POST_COLUMNS = `p.id, p.code, p.title, p.department_id, p.required_level, p.version, p.created_at, p.updated_at`;
/**
 * A member with their vetting state today, from the one place it is computed (vetting_states_at, which
 * PostgreSQL inlines, so the filter on the member id reaches the index).
 */
const MEMBER_COLUMNS = `m.id, m.member_type, m.staff_number, m.given_name, m.family_name, m.rank_or_grade,
  m.department_id, m.post_id, m.start_date::text AS start_date, m.leave_date::text AS leave_date, m.version,
  m.created_at, m.updated_at, m.is_current, m.state, m.required_level, m.clearance_id, m.clearance_level,
  m.expires_on::text AS expires_on`;
/** A derived table (TypeORM takes a "(...)" target verbatim); needs the :today parameter. */
const MEMBER_FROM = `(SELECT w.*, s.is_current, s.state, s.required_level, s.clearance_id, s.clearance_level,
    s.expires_on FROM workforce_member w
    JOIN vetting_states_at(CAST(:today AS date)) s ON s.workforce_member_id = w.id)`;

const BY_NAME: Keyset = {
  columns: [
    { expr: 'd.name', type: 'text' },
    { expr: 'd.id', type: 'uuid' },
  ],
  direction: 'ASC',
};
const BY_TITLE: Keyset = {
  columns: [
    { expr: 'p.title', type: 'text' },
    { expr: 'p.id', type: 'uuid' },
  ],
  direction: 'ASC',
};
/** Staff numbers are unique: one column is the whole key (uq_workforce_member_staff_number). */
const BY_STAFF_NUMBER: Keyset = { columns: [{ expr: 'm.staff_number', type: 'text' }], direction: 'ASC' };

const iso = (d: unknown): string => new Date(d as string).toISOString();
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

export const toDepartment = (r: Record<string, unknown>): DepartmentView => ({
  id: r.id as string,
  code: r.code as string,
  name: r.name as string,
  version: r.version as number,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export const toPost = (r: Record<string, unknown>): PostView => ({
  id: r.id as string,
  code: r.code as string,
  title: r.title as string,
  departmentId: (r.department_id as string | null) ?? null,
  requiredLevel: (r.required_level as PostView['requiredLevel']) ?? null,
  version: r.version as number,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export const toMember = (r: Record<string, unknown>): MemberView => ({
  id: r.id as string,
  memberType: r.member_type as MemberView['memberType'],
  staffNumber: r.staff_number as string,
  givenName: r.given_name as string,
  familyName: r.family_name as string,
  rankOrGrade: (r.rank_or_grade as string | null) ?? null,
  departmentId: (r.department_id as string | null) ?? null,
  postId: (r.post_id as string | null) ?? null,
  startDate: (r.start_date as string | null) ?? null,
  leaveDate: (r.leave_date as string | null) ?? null,
  current: r.is_current as boolean,
  vetting: {
    state: r.state as MemberView['vetting']['state'],
    requiredLevel: (r.required_level as MemberView['vetting']['requiredLevel']) ?? null,
    clearanceId: (r.clearance_id as string | null) ?? null,
    clearanceLevel: (r.clearance_level as MemberView['vetting']['clearanceLevel']) ?? null,
    expiresOn: (r.expires_on as string | null) ?? null,
  },
  version: r.version as number,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** PostgreSQL error code of a failed statement, if any. */
export const pgCode = (error: unknown): string | undefined =>
  (error as { driverError?: { code?: string }; code?: string }).driverError?.code ??
  (error as { code?: string }).code;
export const pgConstraint = (error: unknown): string | undefined =>
  (error as { driverError?: { constraint?: string } }).driverError?.constraint;

/**
 * Separation of duties: nobody changes the post they hold (its required vetting level is their own vetting
 * requirement). A 403 rather than a 404: a post is not a record about its holders, every manager can read
 * it, and the caller knows which post they hold, so the refusal tells them nothing they do not know.
 */
export const separationOfDuties = (detail: string): ProblemException =>
  new ProblemException({ status: 403, code: 'separation_of_duties', detail });

/**
 * Workforce members, departments and posts. Members are personal records: a user linked to workforce
 * member W never sees or changes W here (the access policy: left out of lists; a read or change by id
 * answers 404 with a denied audit row naming W, as for a member that does not exist), as with W's vetting
 * records; nor changes the post they hold (separation of duties).
 */
@Injectable()
export class WorkforceService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: Jobs,
    private readonly access: AccessService,
  ) {}

  // ---------- for other modules ----------

  /** 400 naming `field` unless `id` is a workforce member (for links from users, intelligence, cases). */
  async assertExists(manager: EntityManager, id: string, field = 'workforceMemberId'): Promise<void> {
    const [row] = await manager.query<unknown[]>(`SELECT 1 FROM workforce_member WHERE id = $1`, [id]);
    if (!row) throw problems.invalid(field, 'exists', `${field} does not name a workforce member`);
  }

  /** 400 naming `field` unless every id is a workforce member (for cases' and intelligence's subjects). */
  async assertMembers(manager: EntityManager, ids: readonly string[], field: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const found = await manager.query<{ id: string }[]>(
      `SELECT id FROM workforce_member WHERE id = ANY($1::uuid[])`,
      [unique],
    );
    if (found.length !== unique.length) {
      throw problems.invalid(field, 'exists', `${field} names a workforce member that does not exist`);
    }
  }

  /**
   * The member, 404 when missing or hidden from the actor by the access policy (their own record). Writes no
   * audit row: a caller answering a request by id checks with AccessService.requireVisible first.
   */
  async findVisible(manager: EntityManager, actor: Actor, id: string): Promise<MemberView> {
    const visible = visibleTo(actor, RecordKind.WorkforceMember, 'm').named();
    const qb = manager
      .createQueryBuilder()
      .select(MEMBER_COLUMNS)
      .from(MEMBER_FROM, 'm')
      .where('m.id = :id', { id, today: this.clock.today() })
      .andWhere(visible.sql, visible.params);
    const row = await qb.getRawOne<Record<string, unknown>>();
    if (!row) throw problems.notFound('workforce member');
    return toMember(row);
  }

  // ---------- departments ----------

  async createDepartment(actor: Actor, body: CreateDepartmentRequest): Promise<DepartmentView> {
    return this.tx.run(async (m) => {
      const rows = await this.unique(
        () =>
          m.query<Record<string, unknown>[]>(
            `INSERT INTO department AS d (code, name) VALUES ($1, $2) RETURNING ${DEPARTMENT_COLUMNS}`,
            [body.code, body.name],
          ),
        'department_code_taken',
        'A department with this code already exists',
      );
      await this.audit.record(m, actor, {
        action: 'department.create',
        resourceType: 'department',
        resourceId: rows[0].id as string,
      });
      return toDepartment(rows[0]);
    });
  }

  async listDepartments(actor: Actor, query: DepartmentQuery): Promise<Page<DepartmentView>> {
    return this.tx.read(async (m) => {
      const qb = m.createQueryBuilder().select(DEPARTMENT_COLUMNS).from('department', 'd');
      if (query.namePrefix) {
        qb.andWhere(`lower(d.name) LIKE :prefix ESCAPE '\\'`, {
          prefix: `${escapeLike(query.namePrefix.toLowerCase())}%`,
        });
      }
      return paginate(qb, BY_NAME, query, toDepartment);
    });
  }

  async getDepartment(id: string): Promise<DepartmentView> {
    return this.tx.read(async (m) => {
      const [row] = await m.query<Record<string, unknown>[]>(
        `SELECT ${DEPARTMENT_COLUMNS} FROM department d WHERE d.id = $1`,
        [id],
      );
      if (!row) throw problems.notFound('department');
      return toDepartment(row);
    });
  }

  async updateDepartment(actor: Actor, id: string, body: UpdateDepartmentRequest): Promise<DepartmentView> {
    return this.tx.run(async (m) => {
      const { rows } = await this.unique(
        () =>
          execute<Record<string, unknown>>(
            m,
            `UPDATE department d SET code = COALESCE($3, code), name = COALESCE($4, name), version = version + 1,
                    updated_at = now() WHERE id = $1 AND version = $2 RETURNING ${DEPARTMENT_COLUMNS}`,
            [id, body.version, body.code ?? null, body.name ?? null],
          ),
        'department_code_taken',
        'A department with this code already exists',
      );
      if (rows.length === 0) {
        const [exists] = await m.query<unknown[]>(`SELECT 1 FROM department WHERE id = $1`, [id]);
        throw exists ? problems.staleVersion() : problems.notFound('department');
      }
      await this.audit.record(m, actor, {
        action: 'department.update',
        resourceType: 'department',
        resourceId: id,
      });
      return toDepartment(rows[0]);
    });
  }

  // ---------- posts ----------

  async createPost(actor: Actor, body: CreatePostRequest): Promise<PostView> {
    return this.tx.run(async (m) => {
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      const rows = await this.unique(
        () =>
          m.query<Record<string, unknown>[]>(
            `INSERT INTO post AS p (code, title, department_id, required_level) VALUES ($1, $2, $3, $4)
             RETURNING ${POST_COLUMNS}`,
            [body.code, body.title, body.departmentId ?? null, body.requiredLevel ?? null],
          ),
        'post_code_taken',
        'A post with this code already exists',
      );
      await this.audit.record(m, actor, {
        action: 'post.create',
        resourceType: 'post',
        resourceId: rows[0].id as string,
        details: { requiredLevel: body.requiredLevel ?? null },
      });
      return toPost(rows[0]);
    });
  }

  async listPosts(query: PostQuery): Promise<Page<PostView>> {
    return this.tx.read(async (m) => {
      const qb = m.createQueryBuilder().select(POST_COLUMNS).from('post', 'p');
      if (query.departmentId) qb.andWhere('p.department_id = :dep', { dep: query.departmentId });
      if (query.requiredLevel) qb.andWhere('p.required_level = :lvl', { lvl: query.requiredLevel });
      return paginate(qb, BY_TITLE, query, toPost);
    });
  }

  async getPost(id: string): Promise<PostView> {
    return this.tx.read(async (m) => {
      const [row] = await m.query<Record<string, unknown>[]>(
        `SELECT ${POST_COLUMNS} FROM post p WHERE p.id = $1`,
        [id],
      );
      if (!row) throw problems.notFound('post');
      return toPost(row);
    });
  }

  async updatePost(actor: Actor, id: string, body: UpdatePostRequest): Promise<PostView> {
    const result = await this.tx.run(async (m) => {
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      const [before] = await m.query<{ required_level: string | null; held: boolean }[]>(
        `SELECT p.required_level,
                EXISTS (SELECT 1 FROM workforce_member w WHERE w.post_id = p.id AND w.id = $2::uuid) AS held
           FROM post p WHERE p.id = $1`,
        [id, actor.workforceMemberId],
      );
      if (!before) throw problems.notFound('post');
      if (before.held) {
        await this.audit.recordAlone(actor, {
          action: 'post.update',
          resourceType: 'post',
          resourceId: id,
          subjectIds: [actor.workforceMemberId as string],
          outcome: AuditOutcome.Denied,
          details: {
            reason: 'separation_of_duties',
            fields: Object.keys(body).filter((k) => k !== 'version'),
          },
        });
        throw separationOfDuties(
          'You hold this post: a change to it (its required vetting level is your own vetting requirement) is for someone else',
        );
      }
      const { rows } = await this.unique(
        () =>
          execute<Record<string, unknown>>(
            m,
            `UPDATE post p SET code = COALESCE($3, code), title = COALESCE($4, title),
                    department_id = CASE WHEN $5 THEN $6::uuid ELSE department_id END,
                    required_level = CASE WHEN $7 THEN $8::vetting_level ELSE required_level END,
                    version = version + 1, updated_at = now()
              WHERE id = $1 AND version = $2 RETURNING ${POST_COLUMNS}`,
            [
              id,
              body.version,
              body.code ?? null,
              body.title ?? null,
              body.departmentId !== undefined,
              body.departmentId ?? null,
              body.requiredLevel !== undefined,
              body.requiredLevel ?? null,
            ],
          ),
        'post_code_taken',
        'A post with this code already exists',
      );
      if (rows.length === 0) throw problems.staleVersion();
      const post = toPost(rows[0]);
      await this.audit.record(m, actor, {
        action: 'post.update',
        resourceType: 'post',
        resourceId: id,
        details: { requiredLevel: post.requiredLevel },
      });
      return { post, levelChanged: before.required_level !== post.requiredLevel };
    });
    // Everyone in the post is measured against a new level: one sweep re-checks them all.
    if (result.levelChanged) this.jobs.sweepSoon();
    return result.post;
  }

  // ---------- members ----------

  async createMember(actor: Actor, body: CreateMemberRequest): Promise<MemberView> {
    this.assertDates(body.startDate ?? null, body.leaveDate ?? null);
    const member = await this.tx.run(async (m) => {
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      if (body.postId) await this.assertPost(m, body.postId);
      const [row] = await this.unique(
        () =>
          m.query<{ id: string }[]>(
            `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, rank_or_grade,
               department_id, post_id, start_date, leave_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
            [
              body.memberType,
              body.staffNumber,
              body.givenName,
              body.familyName,
              body.rankOrGrade ?? null,
              body.departmentId ?? null,
              body.postId ?? null,
              body.startDate ?? null,
              body.leaveDate ?? null,
            ],
          ),
        'staff_number_taken',
        'A workforce member with this staff number already exists',
      );
      const view = await this.findVisible(m, actor, row.id);
      await this.audit.record(m, actor, {
        action: 'workforce_member.create',
        resourceType: 'workforce_member',
        resourceId: row.id,
        subjectIds: [row.id],
      });
      return view;
    });
    if (member.postId) this.jobs.checkPerson(member.id);
    return member;
  }

  async listMembers(actor: Actor, query: MemberQuery): Promise<Page<MemberView>> {
    return this.tx.read(async (m) => {
      const qb = m
        .createQueryBuilder()
        .select(MEMBER_COLUMNS)
        .from(MEMBER_FROM, 'm')
        .setParameter('today', this.clock.today());
      const visible = visibleTo(actor, RecordKind.WorkforceMember, 'm').named();
      qb.andWhere(visible.sql, visible.params);
      if (query.memberType) qb.andWhere('m.member_type = :type', { type: query.memberType });
      if (query.departmentId) qb.andWhere('m.department_id = :dep', { dep: query.departmentId });
      if (query.postId) qb.andWhere('m.post_id = :post', { post: query.postId });
      if (query.vettingState) qb.andWhere('m.state = :state', { state: query.vettingState });
      if (query.current !== undefined) qb.andWhere('m.is_current = :current', { current: query.current });
      if (query.staffNumberPrefix) {
        qb.andWhere(`m.staff_number LIKE :sn ESCAPE '\\'`, { sn: `${escapeLike(query.staffNumberPrefix)}%` });
      }
      if (query.familyNamePrefix) {
        qb.andWhere(`lower(m.family_name) LIKE :fn ESCAPE '\\'`, {
          fn: `${escapeLike(query.familyNamePrefix.toLowerCase())}%`,
        });
      }
      const page = await paginate(qb, BY_STAFF_NUMBER, query, toMember);
      await this.audit.record(m, actor, {
        action: 'workforce_member.list',
        resourceType: 'workforce_member',
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
        'workforce_member.read',
      );
      const member = await this.findVisible(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'workforce_member.read',
        resourceType: 'workforce_member',
        resourceId: id,
        subjectIds,
      });
      return member;
    });
  }

  async updateMember(actor: Actor, id: string, body: UpdateMemberRequest): Promise<MemberView> {
    const set = (present: boolean): boolean => present;
    const result = await this.tx.run(async (m) => {
      // Missing, or the caller's own record (nobody changes their own post, dates or vetting requirement):
      // the same 404 and a denied audit row naming the member, before anything about the body is judged.
      await this.access.requireVisible(m, actor, RecordKind.WorkforceMember, id, 'workforce_member.update');
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      if (body.postId) await this.assertPost(m, body.postId);
      const [before] = await m.query<
        { post_id: string | null; start_date: string | null; leave_date: string | null }[]
      >(
        `SELECT post_id, start_date::text AS start_date, leave_date::text AS leave_date
           FROM workforce_member WHERE id = $1`,
        [id],
      );
      if (!before) throw problems.notFound('workforce member');
      this.assertDates(
        body.startDate !== undefined ? body.startDate : before.start_date,
        body.leaveDate !== undefined ? body.leaveDate : before.leave_date,
      );
      const { rows } = await this.unique(
        () =>
          execute<{ id: string; post_id: string | null }>(
            m,
            `UPDATE workforce_member SET
               member_type = COALESCE($3::member_type, member_type),
               staff_number = COALESCE($4, staff_number),
               given_name = COALESCE($5, given_name),
               family_name = COALESCE($6, family_name),
               rank_or_grade = CASE WHEN $7 THEN $8 ELSE rank_or_grade END,
               department_id = CASE WHEN $9 THEN $10::uuid ELSE department_id END,
               post_id = CASE WHEN $11 THEN $12::uuid ELSE post_id END,
               start_date = CASE WHEN $13 THEN $14::date ELSE start_date END,
               leave_date = CASE WHEN $15 THEN $16::date ELSE leave_date END,
               version = version + 1, updated_at = now()
             WHERE id = $1 AND version = $2 RETURNING id, post_id`,
            [
              id,
              body.version,
              body.memberType ?? null,
              body.staffNumber ?? null,
              body.givenName ?? null,
              body.familyName ?? null,
              set(body.rankOrGrade !== undefined),
              body.rankOrGrade ?? null,
              set(body.departmentId !== undefined),
              body.departmentId ?? null,
              set(body.postId !== undefined),
              body.postId ?? null,
              set(body.startDate !== undefined),
              body.startDate ?? null,
              set(body.leaveDate !== undefined),
              body.leaveDate ?? null,
            ],
          ),
        'staff_number_taken',
        'A workforce member with this staff number already exists',
      );
      if (rows.length === 0) throw problems.staleVersion();
      const member = await this.findVisible(m, actor, id);
      const vettingRelevant =
        before.post_id !== member.postId ||
        before.start_date !== member.startDate ||
        before.leave_date !== member.leaveDate;
      await this.audit.record(m, actor, {
        action: 'workforce_member.update',
        resourceType: 'workforce_member',
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

  // ---------- helpers ----------

  private assertDates(start: string | null, leave: string | null): void {
    if (start && leave && leave < start) {
      throw problems.invalid('leaveDate', 'notBeforeStart', 'leaveDate must not be before startDate');
    }
  }

  private async assertDepartment(m: EntityManager, id: string): Promise<void> {
    const [row] = await m.query<unknown[]>(`SELECT 1 FROM department WHERE id = $1`, [id]);
    if (!row) throw problems.invalid('departmentId', 'exists', 'departmentId does not name a department');
  }

  private async assertPost(m: EntityManager, id: string): Promise<void> {
    const [row] = await m.query<unknown[]>(`SELECT 1 FROM post WHERE id = $1`, [id]);
    if (!row) throw problems.invalid('postId', 'exists', 'postId does not name a post');
  }

  /** Runs a write; a unique violation becomes a 409 with the given code. */
  private async unique<T>(work: () => Promise<T>, code: string, detail: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (pgCode(error) === '23505') throw problems.conflict(code, detail);
      throw error;
    }
  }

  /** The directory's queries (property-injected: kept apart from the constructor's dependencies). */
  @Inject(DirectoryLookupRepository) private readonly directoryLookup: DirectoryLookupRepository;

  /**
   * For the directory: members the actor may see whose staff number or names start with each of `words`
   * (lower case), by name, at most `limit`; names, rank and department only, no vetting data. Not audited
   * here: the caller audits the lookup with what it returned.
   */
  lookup(tx: EntityManager, actor: Actor, words: readonly string[], limit: number) {
    return this.directoryLookup.people(tx, actor, words, limit);
  }

  /** For the directory: every department's id, code and name, by name. */
  departmentNames(tx: EntityManager) {
    return this.directoryLookup.departments(tx);
  }
}
