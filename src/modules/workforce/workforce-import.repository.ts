import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { all, db, one } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { MemberType } from './workforce.enums.js';

/** One row of the import, checked, its codes resolved to ids. */
export interface ImportRow {
  staffNumber: string;
  memberType: MemberType;
  givenName: string;
  familyName: string;
  rankOrGrade: string | null;
  departmentId: string | null;
  postId: string | null;
  startDate: string | null;
  leaveDate: string | null;
}

/** Which optional columns the file has: absent ones keep what is stored. */
export interface ImportColumns {
  rankOrGrade: boolean;
  department: boolean;
  post: boolean;
  startDate: boolean;
  leaveDate: boolean;
}

/** What the upsert did: counts as text (PostgreSQL's bigint) and the members inserted or changed. */
export interface UpsertCounts {
  inserted: string;
  updated: string;
  changed: string[];
}

/** The HR import's SQL. */
@Injectable()
export class WorkforceImportRepository {
  /** The members among `staffNumbers` the actor may not see (their own record), by staff number. */
  async hidden(tx: EntityManager, actor: Actor, staffNumbers: string[]): Promise<Map<string, string>> {
    const visible = visibleTo(actor, RecordKind.WorkforceMember, 'm');
    if (visible.unrestricted) return new Map();
    const rows = await all(
      tx,
      db
        .selectFrom('workforce_member as m')
        .select(['m.id', 'm.staff_number'])
        .where('m.staff_number', 'in', staffNumbers)
        .where((eb) => eb.not(visible.expr())),
    );
    return new Map(rows.map((r) => [r.staff_number, r.id]));
  }

  /** The department and post stored for each of `staffNumbers` already on record, by staff number. */
  async stored(
    tx: EntityManager,
    staffNumbers: string[],
  ): Promise<Map<string, { departmentId: string | null; postId: string | null }>> {
    if (staffNumbers.length === 0) return new Map();
    const rows = await all(
      tx,
      db
        .selectFrom('workforce_member as m')
        .select(['m.staff_number', 'm.department_id', 'm.post_id'])
        .where('m.staff_number', 'in', staffNumbers),
    );
    return new Map(rows.map((r) => [r.staff_number, { departmentId: r.department_id, postId: r.post_id }]));
  }

  /**
   * Inserts or updates every row by staff number in one statement; a row equal to what is stored is left
   * alone (no version bump, not counted).
   */
  upsert(tx: EntityManager, rows: ImportRow[], has: ImportColumns): Promise<UpsertCounts> {
    const col = <T>(f: (r: ImportRow) => T): T[] => rows.map(f);
    return one(
      tx,
      sql<UpsertCounts>`WITH input AS (
         SELECT * FROM unnest(${col((r) => r.staffNumber)}::text[], ${col((r) => r.memberType)}::member_type[],
                              ${col((r) => r.givenName)}::text[], ${col((r) => r.familyName)}::text[],
                              ${col((r) => r.rankOrGrade)}::text[], ${col((r) => r.departmentId)}::uuid[],
                              ${col((r) => r.postId)}::uuid[], ${col((r) => r.startDate)}::date[],
                              ${col((r) => r.leaveDate)}::date[])
           AS i(staff_number, member_type, given_name, family_name, rank_or_grade, department_id, post_id,
                start_date, leave_date)
       ), upsert AS (
         INSERT INTO workforce_member AS w (staff_number, member_type, given_name, family_name, rank_or_grade,
           department_id, post_id, start_date, leave_date)
         SELECT * FROM input
         ON CONFLICT (staff_number) DO UPDATE SET
           member_type = EXCLUDED.member_type, given_name = EXCLUDED.given_name,
           family_name = EXCLUDED.family_name,
           rank_or_grade = CASE WHEN ${has.rankOrGrade} THEN EXCLUDED.rank_or_grade ELSE w.rank_or_grade END,
           department_id = CASE WHEN ${has.department} THEN EXCLUDED.department_id ELSE w.department_id END,
           post_id = CASE WHEN ${has.post} THEN EXCLUDED.post_id ELSE w.post_id END,
           start_date = CASE WHEN ${has.startDate} THEN EXCLUDED.start_date ELSE w.start_date END,
           leave_date = CASE WHEN ${has.leaveDate} THEN EXCLUDED.leave_date ELSE w.leave_date END,
           version = w.version + 1, updated_at = now()
         WHERE (w.member_type, w.given_name, w.family_name, w.rank_or_grade, w.department_id, w.post_id,
                w.start_date, w.leave_date)
           IS DISTINCT FROM
               (EXCLUDED.member_type, EXCLUDED.given_name, EXCLUDED.family_name,
                CASE WHEN ${has.rankOrGrade} THEN EXCLUDED.rank_or_grade ELSE w.rank_or_grade END,
                CASE WHEN ${has.department} THEN EXCLUDED.department_id ELSE w.department_id END,
                CASE WHEN ${has.post} THEN EXCLUDED.post_id ELSE w.post_id END,
                CASE WHEN ${has.startDate} THEN EXCLUDED.start_date ELSE w.start_date END,
                CASE WHEN ${has.leaveDate} THEN EXCLUDED.leave_date ELSE w.leave_date END)
         RETURNING w.id, (xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::text AS inserted,
              count(*) FILTER (WHERE NOT inserted)::text AS updated,
              COALESCE(array_agg(id), '{}')::text[] AS changed FROM upsert`.compile(db),
    );
  }
}
