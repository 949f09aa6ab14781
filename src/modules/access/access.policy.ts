import { type RawBuilder, sql, type SqlBool } from 'kysely';
import type { Actor } from '../../common/auth/actor.js';

/**
 * THE access policy: for every kind of record Lantern keeps, the one definition of which workforce members it
 * concerns, and so who may never see it (a user linked to a workforce member W never sees, counts or is told
 * of anything that concerns W). Roles are checked per route by the access guard; this file is the record-level
 * rule every query applies. A new kind of record is added here and nowhere else.
 *
 * Each query takes a typed predicate from `visibleTo` (no string surgery on SQL): the predicate appends its
 * parameter to the query's positional parameters (`sql(params)`) or gives TypeORM named parameters
 * (`named()`). `concernsSql` gives the members a record concerns, for the denied audit rows that must name them.
 */
export enum RecordKind {
  IntelligenceReport = 'intelligence_report',
  Case = 'case',
  /** An outcome, referral, severity assessment or timeline event: visible with its case. */
  CasePart = 'case_part',
  WorkforceMember = 'workforce_member',
  Clearance = 'vetting_clearance',
  Alert = 'vetting_alert',
  Declaration = 'vetting_declaration',
  AuditEvent = 'audit_event',
  /** A reminder about a case or a report: it concerns what its record concerns. */
  Notification = 'notification',
  /** A monitoring flag: it concerns the member whose access or contact raised it. */
  MonitoringFlag = 'monitoring_flag',
}

/**
 * How each kind of record is tied to the members it concerns: an SQL expression over `alias` (a row of the
 * kind's table) that yields those members as a uuid[] (for audit rows) and a condition "concerns $member".
 */
interface KindDefinition {
  /** SQL condition: the record `a` concerns the member given by the placeholder `m`. */
  concerns(a: string, m: string): string;
  /** SQL expression: the members the record `a` concerns, as uuid[]. */
  members(a: string): string;
}

const throughTable = (
  table: string,
  recordColumn: string,
  recordIdOf = (a: string) => `${a}.id`,
): KindDefinition => ({
  concerns: (a, m) =>
    `EXISTS (SELECT 1 FROM ${table} coi WHERE coi.${recordColumn} = ${recordIdOf(a)} AND coi.workforce_member_id = ${m})`,
  members: (a) =>
    `ARRAY(SELECT coi.workforce_member_id FROM ${table} coi WHERE coi.${recordColumn} = ${recordIdOf(a)})`,
});

const direct = (column: string): KindDefinition => ({
  concerns: (a, m) => `${a}.${column} = ${m}`,
  members: (a) => `ARRAY[${a}.${column}]::uuid[]`,
});

/** The member `m` and the ids of every record that concerns them (for events whose details name them). */
const RECORDS_ABOUT = (m: string): string =>
  `SELECT ${m} AS id
   UNION ALL SELECT report_id FROM intelligence_subject WHERE workforce_member_id = ${m}
   UNION ALL SELECT case_id FROM case_subject WHERE workforce_member_id = ${m}
   UNION ALL SELECT id FROM vetting_clearance WHERE workforce_member_id = ${m}
   UNION ALL SELECT id FROM vetting_alert WHERE workforce_member_id = ${m}
   UNION ALL SELECT id FROM vetting_declaration WHERE workforce_member_id = ${m}
   UNION ALL SELECT id FROM monitoring_flag WHERE member_id = ${m}`;

const KIND_CONCERNS_CASE = (a: string, m: string): string =>
  throughTable('case_subject', 'case_id', (x) => `${x}.record_id`).concerns(a, m);
const KIND_CONCERNS_REPORT = (a: string, m: string): string =>
  throughTable('intelligence_subject', 'report_id', (x) => `${x}.record_id`).concerns(a, m);

export const KINDS: Record<RecordKind, KindDefinition> = {
  [RecordKind.IntelligenceReport]: throughTable('intelligence_subject', 'report_id'),
  [RecordKind.Case]: throughTable('case_subject', 'case_id'),
  [RecordKind.CasePart]: throughTable('case_subject', 'case_id', (a) => `${a}.case_id`),
  [RecordKind.WorkforceMember]: direct('id'),
  [RecordKind.Clearance]: direct('workforce_member_id'),
  [RecordKind.Alert]: direct('workforce_member_id'),
  [RecordKind.Declaration]: direct('workforce_member_id'),
  [RecordKind.Notification]: {
    concerns: (a, m) =>
      `(CASE ${a}.record_type WHEN 'case' THEN ${KIND_CONCERNS_CASE(a, m)} ELSE ${KIND_CONCERNS_REPORT(a, m)} END)`,
    members: (a) =>
      `(CASE ${a}.record_type WHEN 'case' THEN ARRAY(SELECT coi.workforce_member_id FROM case_subject coi WHERE coi.case_id = ${a}.record_id) ELSE ARRAY(SELECT coi.workforce_member_id FROM intelligence_subject coi WHERE coi.report_id = ${a}.record_id) END)`,
  },
  [RecordKind.MonitoringFlag]: direct('member_id'),
  [RecordKind.AuditEvent]: {
    // An event concerns W when it names W, or when its details name W or a record about W (a review's case, a
    // report's possible duplicates, a link): the trail must not point at what the policy hides elsewhere.
    concerns: (a, m) =>
      `(${m} = ANY(${a}.subject_ids) OR EXISTS (SELECT 1 FROM (${RECORDS_ABOUT(m)}) about
          WHERE strpos(${a}.details::text, about.id::text) > 0))`,
    members: (a) => `${a}.subject_ids`,
  },
};

/** The table each directly addressed kind lives in (for requireVisible). */
export const KIND_TABLES: Partial<Record<RecordKind, string>> = {
  [RecordKind.IntelligenceReport]: 'intelligence_report',
  [RecordKind.Case]: 'case_record',
  [RecordKind.WorkforceMember]: 'workforce_member',
  [RecordKind.Clearance]: 'vetting_clearance',
  [RecordKind.Alert]: 'vetting_alert',
  [RecordKind.Declaration]: 'vetting_declaration',
  [RecordKind.MonitoringFlag]: 'monitoring_flag',
};

/** A condition for a query's WHERE clause, with its parameters kept beside it. */
export interface Predicate {
  /** The condition with its values appended to `params` as positional placeholders ($n). */
  sql(params: unknown[]): string;
  /** The condition with TypeORM named parameters (QueryBuilder `andWhere(sql, params)`). */
  named(): { sql: string; params: Record<string, unknown> };
  /** The condition as a Kysely expression (`.where(visibleTo(…).expr())`), its value a bound parameter. */
  expr(): RawBuilder<SqlBool>;
  /** True when the predicate restricts nothing (the actor has no workforce link). */
  readonly unrestricted: boolean;
}

let namedCounter = 0;
const MEMBER_MARK = '\u0000member\u0000';

/** Records of `kind`, the row aliased `alias`, that `actor` may see. */
export function visibleTo(actor: Actor, kind: RecordKind, alias: string): Predicate {
  const member = actor.workforceMemberId;
  const def = KINDS[kind];
  if (!member) {
    return {
      sql: () => 'TRUE',
      named: () => ({ sql: 'TRUE', params: {} }),
      expr: () => sql<SqlBool>`TRUE`,
      unrestricted: true,
    };
  }
  return {
    unrestricted: false,
    sql(params) {
      params.push(member);
      return `NOT (${def.concerns(alias, `$${params.length}::uuid`)})`;
    },
    named() {
      const name = `access_member_${++namedCounter % 1_000_000}`;
      return { sql: `NOT (${def.concerns(alias, `:${name}::uuid`)})`, params: { [name]: member } };
    },
    expr() {
      // The definition is SQL text with the member's place marked; each place becomes a bound parameter.
      const parts = def.concerns(alias, MEMBER_MARK).split(MEMBER_MARK);
      return sql<SqlBool>`NOT (${sql.join(
        parts.map((part) => sql.raw(part)),
        sql`${member}::uuid`,
      )})`;
    },
  };
}

/**
 * Records of `kind` (row `alias`) that concern the member given by the SQL expression `memberExpr` (a column,
 * e.g. of the recipient each row is for): for set-based work done for many people at once (the reminders).
 */
export const concernsMember = (kind: RecordKind, alias: string, memberExpr: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${sql.raw(KINDS[kind].concerns(alias, memberExpr))})`;

/** SQL expression: the members a record of `kind` (row aliased `alias`) concerns, as uuid[]. */
export const concernsSql = (kind: RecordKind, alias: string): string => KINDS[kind].members(alias);

/** For values already in hand (e.g. the subjects of a report being written): may the actor see them? */
export const mayConcern = (
  actor: Pick<Actor, 'workforceMemberId'>,
  workforceMemberIds: readonly string[],
): boolean => !actor.workforceMemberId || !workforceMemberIds.includes(actor.workforceMemberId);

/**
 * How an answer says that records concerning the caller were left out: `callerRecordsExcluded` in JSON, this
 * response header (`true`/`false`) on a CSV, whose bytes have no place for it.
 */
export const CALLER_RECORDS_EXCLUDED_HEADER = 'Caller-Records-Excluded';

/** True when `visibleTo` restricts anything for the actor: the answer says `callerRecordsExcluded`. */
export const callerRecordsExcluded = (actor: Actor): boolean => !!actor.workforceMemberId;

/**
 * An edit of a link set, as the policy allows it: `visibleNow` are the linked records the caller can see (read
 * through `visibleTo`), `wanted` what they sent. Only visible links are added or removed; links to records
 * hidden from the caller are not in `visibleNow`, so they survive whatever was sent. Both lists sorted, for
 * the audit row.
 */
export function linkChanges(
  visibleNow: readonly string[],
  wanted: readonly string[],
): { added: string[]; removed: string[] } {
  const have = new Set(visibleNow);
  const want = new Set(wanted);
  return {
    added: [...want].filter((x) => !have.has(x)).sort(),
    removed: [...have].filter((x) => !want.has(x)).sort(),
  };
}
