import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import { all, db, first, one } from '../../database/sql.js';
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
import { likePrefix } from './workforce.repository.js';

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

const DEPARTMENT_COLUMNS = ['id', 'code', 'name', 'version', 'created_at', 'updated_at'] as const;
const POST_COLUMNS = [
  'id',
  'code',
  'title',
  'department_id',
  'required_level',
  'version',
  'created_at',
  'updated_at',
] as const;

interface DepartmentRow {
  id: string;
  code: string;
  name: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface PostRow {
  id: string;
  code: string;
  title: string;
  department_id: string | null;
  required_level: PostView['requiredLevel'];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toDepartment = (r: DepartmentRow): DepartmentView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toPost = (r: PostRow): PostView => ({
  id: r.id,
  code: r.code,
  title: r.title,
  departmentId: r.department_id,
  requiredLevel: r.required_level,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Departments' and posts' SQL. */
@Injectable()
export class OrganisationRepository {
  // ---------- departments ----------

  async insertDepartment(tx: EntityManager, body: CreateDepartmentRequest): Promise<DepartmentView> {
    const row = await one(
      tx,
      db.insertInto('department').values({ code: body.code, name: body.name }).returning(DEPARTMENT_COLUMNS),
    );
    return toDepartment(row);
  }

  pageDepartments(tx: EntityManager, query: DepartmentQuery): Promise<Page<DepartmentView>> {
    let q = db.selectFrom('department as d').select(DEPARTMENT_COLUMNS);
    if (query.namePrefix) {
      const prefix = likePrefix(query.namePrefix.toLowerCase());
      q = q.where(sql<boolean>`lower(d.name) LIKE ${prefix} ESCAPE '\\'`);
    }
    return pageOf(tx, q, BY_NAME, query, toDepartment);
  }

  async department(tx: EntityManager, id: string): Promise<DepartmentView | undefined> {
    const row = await first(
      tx,
      db.selectFrom('department as d').select(DEPARTMENT_COLUMNS).where('d.id', '=', id),
    );
    return row && toDepartment(row);
  }

  /** The department at `version`, changed; undefined when it is missing or at another version. */
  async updateDepartment(
    tx: EntityManager,
    id: string,
    body: UpdateDepartmentRequest,
  ): Promise<DepartmentView | undefined> {
    const row = await first(
      tx,
      db
        .updateTable('department')
        .set((eb) => ({
          ...(body.code != null ? { code: body.code } : {}),
          ...(body.name != null ? { name: body.name } : {}),
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .where('version', '=', body.version)
        .returning(DEPARTMENT_COLUMNS),
    );
    return row && toDepartment(row);
  }

  async departmentExists(tx: EntityManager, id: string): Promise<boolean> {
    return (await first(tx, db.selectFrom('department').select('id').where('id', '=', id))) !== undefined;
  }

  /** The names of the departments among `ids`, by id. */
  async departmentNames(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await all(
      tx,
      db
        .selectFrom('department')
        .select(['id', 'name'])
        .where('id', 'in', [...new Set(ids)]),
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Every department's id by its code (for the import). */
  async departmentIdsByCode(tx: EntityManager): Promise<Map<string, string>> {
    const rows = await all(tx, db.selectFrom('department').select(['code', 'id']));
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  // ---------- posts ----------

  async insertPost(tx: EntityManager, body: CreatePostRequest): Promise<PostView> {
    const row = await one(
      tx,
      db
        .insertInto('post')
        .values({
          code: body.code,
          title: body.title,
          department_id: body.departmentId ?? null,
          required_level: body.requiredLevel ?? null,
        })
        .returning(POST_COLUMNS),
    );
    return toPost(row);
  }

  pagePosts(tx: EntityManager, query: PostQuery): Promise<Page<PostView>> {
    let q = db.selectFrom('post as p').select(POST_COLUMNS);
    if (query.departmentId) q = q.where('p.department_id', '=', query.departmentId);
    if (query.requiredLevel) q = q.where('p.required_level', '=', query.requiredLevel);
    return pageOf(tx, q, BY_TITLE, query, toPost);
  }

  async post(tx: EntityManager, id: string): Promise<PostView | undefined> {
    const row = await first(tx, db.selectFrom('post as p').select(POST_COLUMNS).where('p.id', '=', id));
    return row && toPost(row);
  }

  /** The post's required level, and whether `memberId` holds it; undefined when there is no such post. */
  postHeldBy(
    tx: EntityManager,
    id: string,
    memberId: string | null,
  ): Promise<{ required_level: PostView['requiredLevel']; held: boolean } | undefined> {
    return first(
      tx,
      db
        .selectFrom('post as p')
        .select([
          'p.required_level',
          sql<boolean>`EXISTS (SELECT 1 FROM workforce_member w WHERE w.post_id = p.id AND w.id = ${memberId}::uuid)`.as(
            'held',
          ),
        ])
        .where('p.id', '=', id),
    );
  }

  /** The post at `version`, changed; undefined when it is at another version. */
  async updatePost(tx: EntityManager, id: string, body: UpdatePostRequest): Promise<PostView | undefined> {
    const row = await first(
      tx,
      db
        .updateTable('post')
        .set((eb) => ({
          ...(body.code != null ? { code: body.code } : {}),
          ...(body.title != null ? { title: body.title } : {}),
          ...(body.departmentId !== undefined ? { department_id: body.departmentId } : {}),
          ...(body.requiredLevel !== undefined ? { required_level: body.requiredLevel } : {}),
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .where('version', '=', body.version)
        .returning(POST_COLUMNS),
    );
    return row && toPost(row);
  }

  async postExists(tx: EntityManager, id: string): Promise<boolean> {
    return (await first(tx, db.selectFrom('post').select('id').where('id', '=', id))) !== undefined;
  }

  /** Every post's id and department by its code (for the import). */
  async postsByCode(tx: EntityManager): Promise<Map<string, { id: string; departmentId: string | null }>> {
    const rows = await all(tx, db.selectFrom('post').select(['code', 'id', 'department_id']));
    return new Map(rows.map((r) => [r.code, { id: r.id, departmentId: r.department_id }]));
  }
}
