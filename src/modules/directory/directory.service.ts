import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { concernsSql, mayConcern, RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import {
  type DepartmentNames,
  type PeopleLookup,
  type PeopleLookupQuery,
  ReferenceKind,
  type ReferenceView,
  type UserNames,
  type UserNamesQuery,
} from './dto/directory.dto.js';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

interface PersonRow {
  id: string;
  staff_number: string;
  given_name: string;
  family_name: string;
  rank_or_grade: string | null;
  member_type: PeopleLookup['items'][number]['memberType'];
  department_id: string | null;
  department_name: string | null;
}

/**
 * Names and references for the console and API clients: a people lookup anyone working in Lantern may use
 * (no vetting data), users' and departments' display names, and a report or case found by its reference.
 * Every record-level rule comes from the access policy (modules/access).
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  async people(actor: Actor, query: PeopleLookupQuery): Promise<PeopleLookup> {
    return this.tx.read(async (m) => {
      const params: unknown[] = [];
      const words = query.q.trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 3);
      const conditions = words.map((word) => {
        params.push(`${escapeLike(word)}%`);
        const p = `$${params.length}`;
        return `(lower(w.staff_number) LIKE ${p} ESCAPE '\\' OR lower(w.family_name) LIKE ${p} ESCAPE '\\'
                 OR lower(w.given_name) LIKE ${p} ESCAPE '\\')`;
      });
      const visible = visibleTo(actor, RecordKind.WorkforceMember, 'w').sql(params);
      params.push(query.limit);
      const rows = await m.query<PersonRow[]>(
        `SELECT w.id, w.staff_number, w.given_name, w.family_name, w.rank_or_grade, w.member_type,
                w.department_id, d.name AS department_name
           FROM workforce_member w LEFT JOIN department d ON d.id = w.department_id
          WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'} AND ${visible}
          ORDER BY w.family_name, w.given_name, w.staff_number, w.id
          LIMIT $${params.length}`,
        params,
      );
      const items = rows.map((r) => ({
        id: r.id,
        staffNumber: r.staff_number,
        givenName: r.given_name,
        familyName: r.family_name,
        rankOrGrade: r.rank_or_grade,
        memberType: r.member_type,
        departmentId: r.department_id,
        departmentName: r.department_name,
      }));
      await this.audit.record(m, actor, {
        action: 'workforce_member.lookup',
        resourceType: 'workforce_member',
        subjectIds: items.map((i) => i.id),
        details: { returned: items.map((i) => i.id) },
      });
      return { items };
    });
  }

  async users(query: UserNamesQuery): Promise<UserNames> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.role) {
      params.push(query.role);
      where.push(`$${params.length}::user_role = ANY(u.roles)`);
    }
    if (query.ids) {
      params.push(query.ids);
      where.push(`u.id = ANY($${params.length}::uuid[])`);
    }
    const rows = await this.tx.dataSource.query<
      { id: string; display_name: string; roles: string; enabled: boolean }[]
    >(
      `SELECT u.id, u.display_name, u.roles::text[] AS roles, u.enabled FROM app_user u
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY u.display_name, u.id LIMIT 200`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        displayName: r.display_name,
        roles: r.roles as unknown as UserNames['items'][number]['roles'],
        enabled: r.enabled,
      })),
    };
  }

  async departments(): Promise<DepartmentNames> {
    const rows = await this.tx.dataSource.query<{ id: string; code: string; name: string }[]>(
      `SELECT id, code, name FROM department ORDER BY name, id LIMIT 1000`,
    );
    return { items: rows };
  }

  /**
   * A report or case by its reference. One the caller may not see answers exactly like a missing one: the
   * same 404 and the same denied audit row (naming the members the record concerns, as requireVisible does).
   */
  async reference(actor: Actor, reference: string): Promise<ReferenceView> {
    const ref = reference.toUpperCase();
    const [row] = await this.tx.dataSource.query<
      { kind: ReferenceKind; id: string; reference: string; members: string[] }[]
    >(
      `SELECT 'intelligence_report' AS kind, r.id, r.reference,
              ${concernsSql(RecordKind.IntelligenceReport, 'r')}::text[] AS members
         FROM intelligence_report r WHERE r.reference = $1
       UNION ALL
       SELECT 'case', r.id, r.reference, ${concernsSql(RecordKind.Case, 'r')}::text[]
         FROM case_record r WHERE r.reference = $1
       LIMIT 1`,
      [ref],
    );
    if (row && mayConcern(actor, row.members)) {
      await this.audit.recordAlone(actor, {
        action: 'reference.lookup',
        resourceType: row.kind,
        resourceId: row.id,
        subjectIds: row.members,
      });
      return { kind: row.kind, id: row.id, reference: row.reference };
    }
    await this.audit.recordAlone(actor, {
      action: 'reference.lookup',
      resourceType: 'reference',
      subjectIds: row?.members ?? [],
      outcome: AuditOutcome.Denied,
      details: { reason: 'not_visible' },
    });
    throw problems.notFound('report or case');
  }
}
