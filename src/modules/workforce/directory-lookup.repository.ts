import { Injectable } from '@nestjs/common';
import { sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { all, db } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';

/** LIKE's own characters in a prefix, escaped (with `ESCAPE '\'`). */
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

/** The workforce tables as the directory shows them: names only, no vetting data. */
@Injectable()
export class DirectoryLookupRepository {
  /**
   * Members (as the directory shows them) whose staff number, family name or given name starts with each of `words` (lower case), that
   * the actor may see, by name, at most `limit`.
   */
  people(tx: EntityManager, actor: Actor, words: readonly string[], limit: number) {
    let query = db
      .selectFrom('workforce_member as w')
      .leftJoin('department as d', 'd.id', 'w.department_id')
      .select([
        'w.id',
        'w.staff_number as staffNumber',
        'w.given_name as givenName',
        'w.family_name as familyName',
        'w.rank_or_grade as rankOrGrade',
        'w.member_type as memberType',
        'w.department_id as departmentId',
        'd.name as departmentName',
      ]);
    for (const word of words) {
      const prefix = `${escapeLike(word)}%`;
      query = query.where(
        sql<SqlBool>`(lower(w.staff_number) LIKE ${prefix} ESCAPE '\\' OR lower(w.family_name) LIKE ${prefix} ESCAPE '\\'
                 OR lower(w.given_name) LIKE ${prefix} ESCAPE '\\')`,
      );
    }
    return all(
      tx,
      query
        .where(visibleTo(actor, RecordKind.WorkforceMember, 'w').expr())
        .orderBy('w.family_name')
        .orderBy('w.given_name')
        .orderBy('w.staff_number')
        .orderBy('w.id')
        .limit(limit),
    );
  }

  /** Every department's code and name, by name (at most 1,000). */
  departments(tx: EntityManager) {
    return all(
      tx,
      db.selectFrom('department').select(['id', 'code', 'name']).orderBy('name').orderBy('id').limit(1000),
    );
  }
}
