import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { type Keyset, type Page, pageOf, type PageQuery } from '../../common/pagination.js';
import { all, db, execute, first } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { FlagEvidence } from './ingest-rows.js';
import { RuleCode } from './monitoring.enums.js';
import type { RuleInputs, Thresholds } from './rules.js';

/** The business calendar's time zone, as an SQL literal. */
const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/** The London day of an event (row aliased `alias`); the event store's repository uses it too. */
export const DAY = (alias: string) =>
  sql.raw(`((${alias}.occurred_at AT TIME ZONE '${BUSINESS_TIME_ZONE}')::date)`);

/** What a rule found for one member and window. */
export interface Hit {
  member_id: string;
  window_start: string;
  window_end: string;
  event_count: number;
  events: FlagEvidence[];
}

export interface RuleRow {
  code: RuleCode;
  enabled: boolean;
  thresholds: Thresholds;
  reason: string;
  updated_at: Date;
  version: number;
}

export interface FlagRow {
  id: string;
  rule_code: RuleCode;
  member_id: string;
  window_start: string;
  window_end: string;
  reason: string;
  event_count: number;
  events: FlagEvidence[];
  report_id: string | null;
  raised_at: Date;
}

const FLAG_COLUMNS = [
  'f.id',
  sql<RuleCode>`f.rule_code`.as('rule_code'),
  'f.member_id',
  sql<string>`to_char(f.window_start, 'YYYY-MM-DD')`.as('window_start'),
  sql<string>`to_char(f.window_end, 'YYYY-MM-DD')`.as('window_end'),
  'f.reason',
  'f.event_count',
  sql<FlagEvidence[]>`f.events`.as('events'),
  'f.report_id',
  'f.raised_at',
] as const;

const BY_RAISED: Keyset = {
  columns: [
    { expr: 'f.raised_at', type: 'timestamptz' },
    { expr: 'f.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/**
 * The rules' SQL: their settings, what each finds over the event store (`hits`), the flags it raises, a
 * trial's counts by department, and the flags' reads. The event store itself, the sources and the watermark
 * are monitoring.repository.ts's.
 */
@Injectable()
export class RulesRepository {
  // ---- rules ----
  listRules(tx: EntityManager): Promise<RuleRow[]> {
    return all(
      tx,
      db
        .selectFrom('monitoring_rule')
        .select([
          sql<RuleCode>`code`.as('code'),
          'enabled',
          sql<Thresholds>`thresholds`.as('thresholds'),
          'reason',
          'updated_at',
          'version',
        ])
        .orderBy('code'),
    );
  }

  updateRule(
    tx: EntityManager,
    code: RuleCode,
    version: number,
    changes: { enabled?: boolean; thresholds?: Thresholds; reason?: string },
    by: string | null,
  ) {
    return first(
      tx,
      db
        .updateTable('monitoring_rule')
        .set({
          ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
          ...(changes.thresholds !== undefined ? { thresholds: JSON.stringify(changes.thresholds) } : {}),
          ...(changes.reason !== undefined ? { reason: changes.reason } : {}),
          updated_at: sql`now()`,
          updated_by: by,
          version: sql`version + 1`,
        })
        .where('code', '=', code)
        .where('version', '=', version)
        .returning('code'),
    );
  }

  /**
   * What rule `code` with `t` finds over the London days `from`..`to` (windowed rules: whole windows within
   * the range), optionally for some members only. One statement; the evidence is the first 50 events.
   *
   * With `since` (the worker's incremental pass), only members with an event *matching the rule* loaded after
   * `since` are evaluated (over all their events in the range): a rule's hit is monotone in its matching
   * events, so a member without a new matching event has no new hit. At a force's volume this is what keeps a
   * minute's pass from re-reading every touched member's day.
   */
  hits(
    code: RuleCode,
    t: Thresholds,
    from: string,
    to: string,
    members: string[] | null,
    inputs: RuleInputs = {},
    since: Date | null = null,
  ): RawBuilder<Hit> {
    const start = sql`(${from}::date::timestamp AT TIME ZONE ${LONDON})`;
    const end = sql`((${to}::date + 1)::timestamp AT TIME ZONE ${LONDON})`;
    const who = members ? sql`AND e.member_id = ANY(${members}::uuid[])` : sql``;
    const inRange = sql`e.occurred_at >= ${start} AND e.occurred_at < ${end} AND e.member_id IS NOT NULL ${who}`;
    const evidence = sql`to_jsonb((array_agg(jsonb_build_object('kind', e.kind, 'sourceId', e.source_id,
      'eventId', e.event_id, 'occurredAt', e.occurred_at, 'action', e.what, 'recordType', e.record_type,
      'recordId', e.record_id, 'personRef', e.person_ref) ORDER BY e.occurred_at, e.event_id))[1:50])`;
    const access = sql`SELECT 'access' AS kind, source_id, event_id, occurred_at, member_id, action::text AS what,
      record_type, record_id, incident_ref, people, loaded_at FROM monitoring_access_event`;
    const contact = sql`SELECT 'contact' AS kind, source_id, event_id, occurred_at, member_id, channel::text AS what,
      NULL::varchar AS record_type, NULL::varchar AS record_id, incident_ref, people, loaded_at
      FROM monitoring_contact_event`;
    /** The rule's events in the range; incrementally, of the members with a new one only. */
    const scoped = (matched: (where: RawBuilder<unknown>) => RawBuilder<unknown>) =>
      since
        ? matched(
            sql`${inRange} AND e.member_id IN (SELECT c.member_id FROM (${matched(
              sql`${inRange} AND e.loaded_at > ${since}`,
            )}) c)`,
          )
        : matched(inRange);
    const perDay = (matched: (where: RawBuilder<unknown>) => RawBuilder<unknown>, min: number) => sql<Hit>`
      SELECT e.member_id, to_char(${DAY('e')}, 'YYYY-MM-DD') AS window_start,
             to_char(${DAY('e')}, 'YYYY-MM-DD') AS window_end, count(*)::int AS event_count, ${evidence} AS events
        FROM (${scoped(matched)}) e
       GROUP BY e.member_id, ${DAY('e')}
      HAVING count(*) >= ${min}`;
    switch (code) {
      case RuleCode.SelfLookup:
        return perDay(
          (where) => sql`SELECT e.*, p.value->>'ref' AS person_ref FROM (${access}) e
                JOIN workforce_member w ON w.id = e.member_id
                CROSS JOIN LATERAL jsonb_array_elements(e.people) p
               WHERE ${where} AND p.value->>'staffNumber' = w.staff_number`,
          t.minEvents ?? 1,
        );
      case RuleCode.DeclaredAssociation:
        return perDay(
          (where) => sql`SELECT e.*, p.value->>'ref' AS person_ref FROM (${access}) e
                CROSS JOIN LATERAL jsonb_array_elements(e.people) p
                JOIN monitoring_declared_association a
                  ON a.member_id = e.member_id AND a.person_ref = p.value->>'ref'
               WHERE ${where}`,
          t.minEvents ?? 1,
        );
      case RuleCode.OpenCaseLookup: {
        // The subjects of open cases and their teams, from the cases module (CasesService.openCaseSubjects):
        // a look-up of a record naming a subject (by staff number) by a member who is neither the subject nor
        // on the team of any open case about them.
        const open = inputs.openCases ?? [];
        const subjects = open.map((o) => o.subjectId);
        const teamSubjects = open.flatMap((o) => o.teamMemberIds.map(() => o.subjectId));
        const teamMembers = open.flatMap((o) => o.teamMemberIds);
        return perDay(
          (where) => sql`SELECT e.*, p.value->>'ref' AS person_ref FROM (${access}) e
                CROSS JOIN LATERAL jsonb_array_elements(e.people) p
                JOIN workforce_member sw ON sw.staff_number = p.value->>'staffNumber'
               WHERE ${where} AND sw.id = ANY(${subjects}::uuid[]) AND sw.id <> e.member_id
                 AND NOT EXISTS (SELECT 1 FROM unnest(${teamSubjects}::uuid[], ${teamMembers}::uuid[])
                                   AS team(subject_id, member_id)
                                  WHERE team.subject_id = sw.id AND team.member_id = e.member_id)`,
          t.minEvents ?? 1,
        );
      }
      case RuleCode.VulnerableContact:
        return perDay(
          (where) => sql`SELECT e.*, p.value->>'ref' AS person_ref FROM (${contact}) e
                CROSS JOIN LATERAL jsonb_array_elements(e.people) p
               WHERE ${where} AND e.incident_ref IS NULL
                 AND p.value->>'role' = 'victim' AND (p.value->>'vulnerable')::boolean`,
          t.minEvents ?? 1,
        );
      case RuleCode.OutOfHoursBurst: {
        const hour = sql`extract(hour FROM e.occurred_at AT TIME ZONE ${LONDON})`;
        return perDay(
          (where) => sql`SELECT e.*, NULL::text AS person_ref FROM (${access}) e
               WHERE ${where} AND e.what IN ('search', 'export')
                 AND (${hour} >= ${t.startHour ?? 22} OR ${hour} < ${t.endHour ?? 6})`,
          t.minEvents ?? 50,
        );
      }
      case RuleCode.VulnerableRepeatAccess: {
        // Fixed windows of `windowDays` days counted from Monday 2000-01-03; per member, window and vulnerable
        // person: the distinct days with access that carried no duty link (no incident reference).
        const days = t.windowDays ?? 14;
        const windowStart = sql`(DATE '2000-01-03' + ((${DAY('e')} - DATE '2000-01-03') / ${days}::int) * ${days}::int)`;
        const matched = (where: RawBuilder<unknown>) => sql`
            SELECT e.*, p.value->>'ref' AS person_ref, ${windowStart} AS w
              FROM (${access}) e CROSS JOIN LATERAL jsonb_array_elements(e.people) p
             WHERE ${where} AND e.incident_ref IS NULL AND (p.value->>'vulnerable')::boolean`;
        return sql<Hit>`
          WITH accessed AS (${scoped(matched)}), repeated AS (
            SELECT member_id, w, person_ref FROM accessed e
             GROUP BY member_id, w, person_ref HAVING count(DISTINCT ${DAY('e')}) >= ${t.minDays ?? 3}
          )
          SELECT e.member_id, to_char(e.w, 'YYYY-MM-DD') AS window_start,
                 to_char(e.w + ${days}::int - 1, 'YYYY-MM-DD') AS window_end, count(*)::int AS event_count,
                 ${evidence} AS events
            FROM accessed e JOIN repeated r USING (member_id, w, person_ref)
           GROUP BY e.member_id, e.w`;
      }
    }
  }

  /** Inserts the hits of `code` as flags; a (rule, member, window) already flagged is not flagged again. */
  async raise(tx: EntityManager, code: RuleCode, reason: string, hits: RawBuilder<Hit>): Promise<number> {
    const result = await execute(
      tx,
      sql`INSERT INTO monitoring_flag (rule_code, member_id, window_start, window_end, reason, event_count, events)
          SELECT ${code}::monitoring_rule_code, h.member_id, h.window_start::date, h.window_end::date, ${reason},
                 h.event_count, h.events
            FROM (${hits}) h
          ON CONFLICT (rule_code, member_id, window_start) DO NOTHING`.compile(db),
    );
    return result.count;
  }

  /** A trial: how many flags the hits would make, by department, leaving out the caller's own. */
  async countByDepartment(
    tx: EntityManager,
    actor: Actor,
    hits: RawBuilder<Hit>,
  ): Promise<{ department: string; flags: number; excluded: number }[]> {
    const visible = visibleTo(actor, RecordKind.MonitoringFlag, 'h').expr();
    return all(
      tx,
      sql<{ department: string; flags: number; excluded: number }>`
        SELECT coalesce(d.name, '(no department)') AS department,
               count(*) FILTER (WHERE ${visible})::int AS flags,
               count(*) FILTER (WHERE NOT ${visible})::int AS excluded
          FROM (${hits}) h JOIN workforce_member w ON w.id = h.member_id
          LEFT JOIN department d ON d.id = w.department_id
         GROUP BY 1 ORDER BY 1`.compile(db),
    );
  }

  // ---- flags ----
  /** Flags not yet turned into an intelligence report, oldest first. */
  unreported(tx: EntityManager, limit: number): Promise<FlagRow[]> {
    return all(
      tx,
      db
        .selectFrom('monitoring_flag as f')
        .select(FLAG_COLUMNS)
        .where('f.report_id', 'is', null)
        .orderBy('f.raised_at')
        .limit(limit),
    );
  }

  async setReport(tx: EntityManager, flagId: string, reportId: string): Promise<void> {
    await execute(
      tx,
      db
        .updateTable('monitoring_flag')
        .set({ report_id: reportId })
        .where('id', '=', flagId)
        .where('report_id', 'is', null),
    );
  }

  flag(tx: EntityManager, id: string): Promise<FlagRow | undefined> {
    return first(tx, db.selectFrom('monitoring_flag as f').select(FLAG_COLUMNS).where('f.id', '=', id));
  }

  listFlags(
    tx: EntityManager,
    actor: Actor,
    query: PageQuery & { ruleCode?: RuleCode; memberId?: string },
  ): Promise<Page<FlagRow>> {
    let q = db
      .selectFrom('monitoring_flag as f')
      .select(FLAG_COLUMNS)
      .where(visibleTo(actor, RecordKind.MonitoringFlag, 'f').expr());
    if (query.ruleCode) q = q.where('f.rule_code', '=', query.ruleCode);
    if (query.memberId) q = q.where('f.member_id', '=', query.memberId);
    return pageOf(tx, q, BY_RAISED, query, (row) => row);
  }
}
