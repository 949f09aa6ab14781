import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { all, db, execute } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { MemberType } from '../workforce/workforce.enums.js';
import { type VettingLevel, VettingState } from './vetting.enums.js';

/** A row of `vetting_states_at(date)`: a person's vetting state on a date, the one place it is computed. */
export interface VettingStateRow {
  workforce_member_id: string;
  is_current: boolean;
  department_id: string | null;
  post_id: string | null;
  member_type: MemberType;
  required_level: VettingLevel | null;
  state: VettingState;
  clearance_id: string | null;
  clearance_level: VettingLevel | null;
  expires_on: Date | null;
}

/** `vetting_states_at(on)` as a table expression: `db.selectFrom(vettingStatesAt(today).as('s'))`. */
export const vettingStatesAt = (on: string): RawBuilder<VettingStateRow> =>
  sql<VettingStateRow>`vetting_states_at(${on}::date)`;

/** One group of the compliance aggregate (counts as text: PostgreSQL's bigint). */
export interface ComplianceRow {
  dim: 'all' | 'department' | 'member_type' | 'required_level';
  key: string | null;
  total: string;
  up_to_date: string;
  renewal_due: string;
  overdue: string;
  below_required: string;
  no_clearance: string;
  due30: string;
  due60: string;
  due90: string;
}

/** Serialises rule synchronisation between processes starting at once. */
const RULES_LOCK = 0x5645_5452; // 'VETR'

/** The rules' copy in PostgreSQL, as `sync` writes it. */
export interface LevelRules {
  levels: VettingLevel[];
  renewalMonths: number[];
  warningDays: number[];
  /** Pairs (held, required): holding `held` meets a requirement of `required`. */
  satisfies: [VettingLevel, VettingLevel][];
}

/** Vetting's SQL over states and rules: the compliance aggregate and the rules' copy in PostgreSQL. */
@Injectable()
export class VettingRepository {
  /**
   * The current workforce's states on `asOf` the actor may see, counted overall and by department, member
   * type and required level (one aggregate with grouping sets), with the expiries due within 30/60/90 days.
   */
  compliance(tx: EntityManager, actor: Actor, asOf: string): Promise<ComplianceRow[]> {
    const count = (state: VettingState) =>
      sql<string>`count(*) FILTER (WHERE s.state = ${sql.lit(state)})::text`;
    const dueWithin = (days: number) =>
      sql<string>`count(*) FILTER (WHERE s.expires_on > ${asOf}::date AND s.expires_on <= ${asOf}::date + ${sql.lit(days)})::text`;
    return all(
      tx,
      db
        .selectFrom(vettingStatesAt(asOf).as('s'))
        .select([
          sql<ComplianceRow['dim']>`CASE WHEN GROUPING(s.department_id) = 0 THEN 'department'
                WHEN GROUPING(s.member_type) = 0 THEN 'member_type'
                WHEN GROUPING(s.required_level) = 0 THEN 'required_level' ELSE 'all' END`.as('dim'),
          sql<string | null>`COALESCE(s.department_id::text, s.member_type::text, s.required_level::text)`.as(
            'key',
          ),
          sql<string>`count(*)::text`.as('total'),
          count(VettingState.UpToDate).as('up_to_date'),
          count(VettingState.RenewalDue).as('renewal_due'),
          count(VettingState.Overdue).as('overdue'),
          count(VettingState.BelowRequired).as('below_required'),
          count(VettingState.NoClearance).as('no_clearance'),
          dueWithin(30).as('due30'),
          dueWithin(60).as('due60'),
          dueWithin(90).as('due90'),
        ])
        .where('s.is_current', '=', true)
        .where(visibleTo(actor, RecordKind.Clearance, 's').expr())
        .groupBy(sql`GROUPING SETS ((), (s.department_id), (s.member_type), (s.required_level))`),
    );
  }

  /**
   * Writes the rules into vetting_level_rule and vetting_level_satisfies (what vetting_states_at reads),
   * changing only what differs: the tables' triggers mark everyone for the next sweep when a rule changed.
   */
  async syncRules(tx: EntityManager, rules: LevelRules): Promise<void> {
    await execute(tx, sql`SELECT pg_advisory_xact_lock(${RULES_LOCK})`.compile(db));
    await execute(
      tx,
      sql`INSERT INTO vetting_level_rule (level, renewal_months, warning_days)
          SELECT * FROM unnest(${rules.levels}::vetting_level[], ${rules.renewalMonths}::int[], ${rules.warningDays}::int[])
          ON CONFLICT (level) DO UPDATE SET renewal_months = EXCLUDED.renewal_months, warning_days = EXCLUDED.warning_days
          WHERE (vetting_level_rule.renewal_months, vetting_level_rule.warning_days)
                IS DISTINCT FROM (EXCLUDED.renewal_months, EXCLUDED.warning_days)`.compile(db),
    );
    const held = rules.satisfies.map((p) => p[0]);
    const required = rules.satisfies.map((p) => p[1]);
    await execute(
      tx,
      sql`WITH wanted AS (SELECT * FROM unnest(${held}::vetting_level[], ${required}::vetting_level[]) AS w(held, required)),
               gone AS (DELETE FROM vetting_level_satisfies s
                         WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.held = s.held AND w.required = s.required))
          INSERT INTO vetting_level_satisfies (held, required) SELECT held, required FROM wanted
          ON CONFLICT DO NOTHING`.compile(db),
    );
  }
}
