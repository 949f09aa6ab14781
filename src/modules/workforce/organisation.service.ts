import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Jobs } from '../../common/jobs.js';
import type { Page } from '../../common/pagination.js';
import { CommonError, ProblemException, problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import type {
  CreateDepartmentRequest,
  CreatePostRequest,
  DepartmentQuery,
  DepartmentView,
  PostQuery,
  PostView,
  UpdateDepartmentRequest,
  UpdatePostRequest,
} from './dto/workforce.dto.js';
import { OrganisationRepository } from './organisation.repository.js';
import { WorkforceAudit, WorkforceError, WorkforceResource } from './workforce.codes.js';

/** PostgreSQL error code of a failed statement, if any. */
export const pgCode = (error: unknown): string | undefined =>
  (error as { driverError?: { code?: string }; code?: string }).driverError?.code ??
  (error as { code?: string }).code;

/** Runs a write; a unique violation becomes a 409 with the given code. */
export async function unique<T>(work: () => Promise<T>, code: WorkforceError, detail: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgCode(error) === '23505') throw problems.conflict(code, detail);
    throw error;
  }
}

/**
 * Separation of duties: nobody changes the post they hold (its required vetting level is their own vetting
 * requirement). A 403 rather than a 404: a post is not a record about its holders, every manager can read
 * it, and the caller knows which post they hold, so the refusal tells them nothing they do not know.
 */
export const separationOfDuties = (detail: string): ProblemException =>
  new ProblemException({ status: 403, code: CommonError.SeparationOfDuties, detail });

/** Departments and posts: the organisation members belong to and the vetting level each post requires. */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly jobs: Jobs,
    private readonly repository: OrganisationRepository,
  ) {}

  // ---------- departments ----------

  async createDepartment(actor: Actor, body: CreateDepartmentRequest): Promise<DepartmentView> {
    return this.tx.write(async (m) => {
      const department = await unique(
        () => this.repository.insertDepartment(m, body),
        WorkforceError.DepartmentCodeTaken,
        'A department with this code already exists',
      );
      await this.audit.record(m, actor, {
        action: WorkforceAudit.DepartmentCreate,
        resourceType: WorkforceResource.Department,
        resourceId: department.id,
      });
      return department;
    });
  }

  async listDepartments(_actor: Actor, query: DepartmentQuery): Promise<Page<DepartmentView>> {
    return this.tx.read((m) => this.repository.pageDepartments(m, query));
  }

  async getDepartment(id: string): Promise<DepartmentView> {
    return this.tx.read(async (m) => {
      const department = await this.repository.department(m, id);
      if (!department) throw problems.notFound('department');
      return department;
    });
  }

  async updateDepartment(actor: Actor, id: string, body: UpdateDepartmentRequest): Promise<DepartmentView> {
    return this.tx.write(async (m) => {
      const department = await unique(
        () => this.repository.updateDepartment(m, id, body),
        WorkforceError.DepartmentCodeTaken,
        'A department with this code already exists',
      );
      if (!department) {
        throw (await this.repository.departmentExists(m, id))
          ? problems.staleVersion()
          : problems.notFound('department');
      }
      await this.audit.record(m, actor, {
        action: WorkforceAudit.DepartmentUpdate,
        resourceType: WorkforceResource.Department,
        resourceId: id,
      });
      return department;
    });
  }

  // ---------- posts ----------

  async createPost(actor: Actor, body: CreatePostRequest): Promise<PostView> {
    return this.tx.write(async (m) => {
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      const post = await unique(
        () => this.repository.insertPost(m, body),
        WorkforceError.PostCodeTaken,
        'A post with this code already exists',
      );
      await this.audit.record(m, actor, {
        action: WorkforceAudit.PostCreate,
        resourceType: WorkforceResource.Post,
        resourceId: post.id,
        details: { requiredLevel: body.requiredLevel ?? null },
      });
      return post;
    });
  }

  async listPosts(query: PostQuery): Promise<Page<PostView>> {
    return this.tx.read((m) => this.repository.pagePosts(m, query));
  }

  async getPost(id: string): Promise<PostView> {
    return this.tx.read(async (m) => {
      const post = await this.repository.post(m, id);
      if (!post) throw problems.notFound('post');
      return post;
    });
  }

  async updatePost(actor: Actor, id: string, body: UpdatePostRequest): Promise<PostView> {
    const result = await this.tx.write(async (m) => {
      if (body.departmentId) await this.assertDepartment(m, body.departmentId);
      const before = await this.repository.postHeldBy(m, id, actor.workforceMemberId);
      if (!before) throw problems.notFound('post');
      if (before.held && actor.workforceMemberId) {
        await this.audit.recordAlone(actor, {
          action: WorkforceAudit.PostUpdate,
          resourceType: WorkforceResource.Post,
          resourceId: id,
          subjectIds: [actor.workforceMemberId],
          outcome: AuditOutcome.Denied,
          details: {
            reason: CommonError.SeparationOfDuties,
            fields: Object.keys(body).filter((k) => k !== 'version'),
          },
        });
        throw separationOfDuties(
          'You hold this post: a change to it (its required vetting level is your own vetting requirement) is for someone else',
        );
      }
      const post = await unique(
        () => this.repository.updatePost(m, id, body),
        WorkforceError.PostCodeTaken,
        'A post with this code already exists',
      );
      if (!post) throw problems.staleVersion();
      await this.audit.record(m, actor, {
        action: WorkforceAudit.PostUpdate,
        resourceType: WorkforceResource.Post,
        resourceId: id,
        details: { requiredLevel: post.requiredLevel },
      });
      return { post, levelChanged: before.required_level !== post.requiredLevel };
    });
    // Everyone in the post is measured against a new level: one sweep re-checks them all.
    if (result.levelChanged) this.jobs.sweepSoon();
    return result.post;
  }

  // ---------- for the members' side ----------

  async assertDepartment(m: EntityManager, id: string): Promise<void> {
    if (!(await this.repository.departmentExists(m, id)))
      throw problems.invalid('departmentId', 'exists', 'departmentId does not name a department');
  }

  async assertPost(m: EntityManager, id: string): Promise<void> {
    if (!(await this.repository.postExists(m, id)))
      throw problems.invalid('postId', 'exists', 'postId does not name a post');
  }
}
