import { Injectable } from '@nestjs/common';
import { sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import type { VettingLevel } from '../../common/domain/vetting-level.js';
import { all, allPrepared, db, execute, first, one } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { MemberType } from './workforce.enums.js';
import type {
  CreateMemberRequest,
  MemberQuery,
  MemberView,
  UpdateMemberRequest,
} from './dto/workforce.dto.js';

/** Staff numbers are unique: one column is the whole key (uq_workforce_member_staff_number). */
const BY_STAFF_NUMBER: Keyset = { columns: [{ expr: 'm.staff_number', type: 'text' }], direction: 'ASC' };

/** A LIKE pattern (with ESCAPE '\\') matching what starts with `s`. */
export const likePrefix = (s: string): string => `${s.replace(/[\\%_]/g, '\\$&')}%`;

/** The part of a row of vetting_states_at(date) a member's view shows. */
interface StateRow {
  workforce_member_id: string;
  is_current: boolean;
  state: MemberView['vetting']['state'];
  required_level: VettingLevel | null;
  clearance_id: string | null;
  clearance_level: VettingLevel | null;
  expires_on: Date | null;
}

/**
 * A member with their vetting state today, from the one place it is computed (vetting_states_at, which
 * PostgreSQL inlines, so the filter on the member id reaches the index).
 */
const members = (today: string) =>
  db
    .selectFrom('workforce_member as m')
    // reads vetting_states_at: a member's view carries their vetting state, and lists filter and page by it
    .innerJoin(sql<StateRow>`vetting_states_at(${today}::date)`.as('s'), 's.workforce_member_id', 'm.id')
    .select([
      'm.id',
      'm.member_type',
      'm.staff_number',
      'm.given_name',
      'm.family_name',
      'm.rank_or_grade',
      'm.department_id',
      'm.post_id',
      sql<string | null>`m.start_date::text`.as('start_date'),
      sql<string | null>`m.leave_date::text`.as('leave_date'),
      'm.version',
      'm.created_at',
      'm.updated_at',
      's.is_current',
      's.state',
      's.required_level',
      's.clearance_id',
      's.clearance_level',
      sql<string | null>`s.expires_on::text`.as('expires_on'),
    ]);

type MemberRow = Awaited<ReturnType<ReturnType<typeof members>['executeTakeFirstOrThrow']>>;

const toMember = (r: MemberRow): MemberView => ({
  id: r.id,
  memberType: r.member_type,
  staffNumber: r.staff_number,
  givenName: r.given_name,
  familyName: r.family_name,
  rankOrGrade: r.rank_or_grade,
  departmentId: r.department_id,
  postId: r.post_id,
  startDate: r.start_date,
  leaveDate: r.leave_date,
  current: r.is_current,
  vetting: {
    state: r.state,
    requiredLevel: r.required_level,
    clearanceId: r.clearance_id,
    clearanceLevel: r.clearance_level,
    expiresOn: r.expires_on,
  },
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** What a change of a member is compared with: what decides their vetting requirement. */
export interface MemberDates {
  post_id: string | null;
  start_date: string | null;
  leave_date: string | null;
}

/** How other modules show a workforce member their records name. */
export interface MemberBrief {
  id: string;
  staffNumber: string;
  name: string;
  givenName: string;
  familyName: string;
  memberType: MemberType;
}

/** Workforce members' SQL. */
@Injectable()
export class WorkforceRepository {
  /** Those of `ids` that are workforce members. */
  async existing(tx: EntityManager, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await all(
      tx,
      db
        .selectFrom('workforce_member')
        .select('id')
        .where('id', 'in', [...ids]),
    );
    return rows.map((r) => r.id);
  }

  /**
   * Staff number, name and type of each of `ids` that exists (for the cases and queue items naming them):
   * one prepared statement whatever the number of ids (a page of the queue names up to ~150 people).
   */
  async briefs(tx: EntityManager, ids: readonly string[]): Promise<MemberBrief[]> {
    if (ids.length === 0) return [];
    return allPrepared(
      tx,
      db
        .selectFrom('workforce_member as w')
        .select([
          'w.id',
          'w.staff_number as staffNumber',
          sql<string>`w.given_name || ' ' || w.family_name`.as('name'),
          'w.given_name as givenName',
          'w.family_name as familyName',
          'w.member_type as memberType',
        ])
        .where(sql<SqlBool>`w.id = ANY (${[...new Set(ids)]}::uuid[])`)
        .orderBy('w.id'),
    );
  }

  /** Locks the member's row until the transaction ends (one change to a person's records at a time). */
  async lock(tx: EntityManager, id: string): Promise<void> {
    await execute(tx, db.selectFrom('workforce_member').select('id').where('id', '=', id).forUpdate());
  }

  /** The member, if the actor may see them, with their vetting state on `today`. */
  async findVisible(
    tx: EntityManager,
    actor: Actor,
    id: string,
    today: string,
  ): Promise<MemberView | undefined> {
    const row = await first(
      tx,
      members(today)
        .where('m.id', '=', id)
        .where(visibleTo(actor, RecordKind.WorkforceMember, 'm').expr()),
    );
    return row && toMember(row);
  }

  /** A page of the members the actor may see, by the query's filters, in staff number order. */
  page(tx: EntityManager, actor: Actor, query: MemberQuery, today: string): Promise<Page<MemberView>> {
    let q = members(today).where(visibleTo(actor, RecordKind.WorkforceMember, 'm').expr());
    if (query.memberType) q = q.where('m.member_type', '=', query.memberType);
    if (query.departmentId) q = q.where('m.department_id', '=', query.departmentId);
    if (query.postId) q = q.where('m.post_id', '=', query.postId);
    if (query.vettingState) q = q.where('s.state', '=', query.vettingState);
    if (query.current !== undefined) q = q.where('s.is_current', '=', query.current);
    if (query.staffNumberPrefix) {
      const prefix = likePrefix(query.staffNumberPrefix);
      q = q.where(sql<boolean>`m.staff_number LIKE ${prefix} ESCAPE '\\'`);
    }
    if (query.familyNamePrefix) {
      const prefix = likePrefix(query.familyNamePrefix.toLowerCase());
      q = q.where(sql<boolean>`lower(m.family_name) LIKE ${prefix} ESCAPE '\\'`);
    }
    return pageOf(tx, q, BY_STAFF_NUMBER, query, toMember);
  }

  async insert(tx: EntityManager, body: CreateMemberRequest): Promise<string> {
    const row = await one(
      tx,
      db
        .insertInto('workforce_member')
        .values({
          member_type: body.memberType,
          staff_number: body.staffNumber,
          given_name: body.givenName,
          family_name: body.familyName,
          rank_or_grade: body.rankOrGrade ?? null,
          department_id: body.departmentId ?? null,
          post_id: body.postId ?? null,
          start_date: body.startDate ?? null,
          leave_date: body.leaveDate ?? null,
        })
        .returning('id'),
    );
    return row.id;
  }

  dates(tx: EntityManager, id: string): Promise<MemberDates | undefined> {
    return first(
      tx,
      db
        .selectFrom('workforce_member')
        .select([
          'post_id',
          sql<string | null>`start_date::text`.as('start_date'),
          sql<string | null>`leave_date::text`.as('leave_date'),
        ])
        .where('id', '=', id),
    );
  }

  /** Changes the fields `body` gives, at `version`; false when the member is at another version. */
  async update(tx: EntityManager, id: string, body: UpdateMemberRequest): Promise<boolean> {
    const { count } = await execute(
      tx,
      db
        .updateTable('workforce_member')
        .set((eb) => ({
          ...(body.memberType != null ? { member_type: body.memberType } : {}),
          ...(body.staffNumber != null ? { staff_number: body.staffNumber } : {}),
          ...(body.givenName != null ? { given_name: body.givenName } : {}),
          ...(body.familyName != null ? { family_name: body.familyName } : {}),
          ...(body.rankOrGrade !== undefined ? { rank_or_grade: body.rankOrGrade } : {}),
          ...(body.departmentId !== undefined ? { department_id: body.departmentId } : {}),
          ...(body.postId !== undefined ? { post_id: body.postId } : {}),
          ...(body.startDate !== undefined ? { start_date: body.startDate } : {}),
          ...(body.leaveDate !== undefined ? { leave_date: body.leaveDate } : {}),
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .where('version', '=', body.version),
    );
    return count > 0;
  }
}
