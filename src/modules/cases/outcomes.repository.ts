import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db, execute, first, one } from '../../database/sql.js';
import type { MemberType } from '../workforce/workforce.enums.js';
import { DISMISSALS, type LeftService, type Severity } from './cases.enums.js';
import type { OutcomeFacts } from './outcome-rules.js';

/** A subject's outcome (dates as YYYY-MM-DD). */
const outcomeQuery = () =>
  // access: callers select by case id after requireVisible.
  db
    .selectFrom('case_subject_outcome as o')
    .select([
      'o.id',
      'o.workforce_member_id',
      'o.member_type',
      'o.criminal_outcome',
      'o.misconduct_finding',
      'o.proceedings',
      'o.proceedings_result',
      'o.misconduct_outcome',
      'o.regime',
      'o.allegation_result',
      'o.left_service',
      sql<string | null>`o.left_service_on::text`.as('left_service_on'),
      'o.would_have_been_dismissed',
      sql<string | null>`o.barred_list_on::text`.as('barred_list_on'),
      sql<string | null>`o.advisory_list_on::text`.as('advisory_list_on'),
      'o.finalised_at',
      'o.recorded_by',
      'o.recorded_at',
      'o.version',
      'o.severity',
      'o.confirmed_at',
      'o.confirmed_by',
    ]);

export type OutcomeRow = Awaited<ReturnType<OutcomesRepository['ofCase']>>[number];
export type SeverityRow = Awaited<ReturnType<OutcomesRepository['severityHistory']>>[number];

/** A proposed outcome as the service has checked it. */
export interface OutcomeProposal {
  caseId: string;
  memberId: string;
  memberType: MemberType;
  facts: OutcomeFacts;
  leftService: LeftService | null;
  leftServiceOn: string | null;
  severity: Severity | null;
  recordedBy: string;
}

/** Severity assessments (`case_severity_assessment`) and subjects' outcomes (`case_subject_outcome`). */
@Injectable()
export class OutcomesRepository {
  // ---------- severity ----------

  /** The case's assessments, oldest first. */
  async severityHistory(tx: EntityManager, caseId: string) {
    // access: by case id after requireVisible.
    return all(
      tx,
      db
        .selectFrom('case_severity_assessment')
        .select(['severity', 'workforce_member_id', 'reason', 'assessed_by', 'assessed_at'])
        .where('case_id', '=', caseId)
        .orderBy('assessed_at')
        .orderBy('id'),
    );
  }

  async assess(
    tx: EntityManager,
    a: { caseId: string; memberId: string | null; severity: Severity; reason: string; assessedBy: string },
  ): Promise<void> {
    // access: the case after requireVisible.
    await execute(
      tx,
      db.insertInto('case_severity_assessment').values({
        case_id: a.caseId,
        workforce_member_id: a.memberId,
        severity: a.severity,
        reason: a.reason,
        assessed_by: a.assessedBy,
      }),
    );
  }

  /** The subject's current severity: the latest assessment of them, or of every subject of the case. */
  async subjectSeverity(tx: EntityManager, caseId: string, memberId: string): Promise<Severity | null> {
    // access: the case of recordOutcome / confirmOutcome, after locate.
    const latest = await first(
      tx,
      db
        .selectFrom('case_severity_assessment')
        .select('severity')
        .where('case_id', '=', caseId)
        .where((eb) =>
          eb.or([eb('workforce_member_id', '=', memberId), eb('workforce_member_id', 'is', null)]),
        )
        .orderBy('assessed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1),
    );
    return latest?.severity ?? null;
  }

  // ---------- outcomes ----------

  /** The case's outcomes, by subject. */
  async ofCase(tx: EntityManager, caseId: string) {
    // access: by case id after requireVisible.
    return all(tx, outcomeQuery().where('o.case_id', '=', caseId).orderBy('o.workforce_member_id'));
  }

  /** One subject's outcome (locked for a change). */
  async ofSubject(tx: EntityManager, caseId: string, memberId: string, lock = false) {
    // access: by case id after requireVisible.
    return first(
      tx,
      outcomeQuery()
        .where('o.case_id', '=', caseId)
        .where('o.workforce_member_id', '=', memberId)
        .$if(lock, (qb) => qb.forUpdate()),
    );
  }

  /** Whether any of `memberIds` has an outcome on the case. */
  async anyFor(tx: EntityManager, caseId: string, memberIds: readonly string[]): Promise<boolean> {
    if (memberIds.length === 0) return false;
    // access: the case after requireVisible.
    const row = await first(
      tx,
      db
        .selectFrom('case_subject_outcome')
        .select(sql.lit(1).as('one'))
        .where('case_id', '=', caseId)
        .where('workforce_member_id', 'in', [...memberIds])
        .limit(1),
    );
    return row !== undefined;
  }

  /**
   * Saves a proposal: unconfirmed, so not finalised and not counted, until a supervisor who did not propose it
   * confirms it. Replacing a confirmed outcome makes it a proposal again. Answers the saved outcome.
   */
  async propose(tx: EntityManager, p: OutcomeProposal): Promise<OutcomeRow> {
    const f = p.facts;
    // access: the case after requireVisible; the financial year is the table trigger's.
    const { id } = await one(
      tx,
      db
        .insertInto('case_subject_outcome')
        .values({
          case_id: p.caseId,
          workforce_member_id: p.memberId,
          member_type: p.memberType,
          criminal_outcome: f.criminalOutcome ?? null,
          misconduct_finding: f.misconductFinding ?? null,
          proceedings: f.proceedings ?? null,
          proceedings_result: f.proceedingsResult ?? null,
          misconduct_outcome: f.misconductOutcome ?? null,
          regime: f.regime ?? null,
          allegation_result: f.allegationResult ?? null,
          left_service: p.leftService,
          left_service_on: p.leftServiceOn,
          would_have_been_dismissed: f.wouldHaveBeenDismissed ?? false,
          barred_list_on: f.barredListDate ?? null,
          advisory_list_on: f.advisoryListDate ?? null,
          severity: p.severity,
          recorded_by: p.recordedBy,
        })
        .onConflict((oc) =>
          oc.columns(['case_id', 'workforce_member_id']).doUpdateSet((eb) => ({
            criminal_outcome: eb.ref('excluded.criminal_outcome'),
            misconduct_finding: eb.ref('excluded.misconduct_finding'),
            proceedings: eb.ref('excluded.proceedings'),
            proceedings_result: eb.ref('excluded.proceedings_result'),
            misconduct_outcome: eb.ref('excluded.misconduct_outcome'),
            regime: eb.ref('excluded.regime'),
            allegation_result: eb.ref('excluded.allegation_result'),
            left_service: eb.ref('excluded.left_service'),
            left_service_on: eb.ref('excluded.left_service_on'),
            would_have_been_dismissed: eb.ref('excluded.would_have_been_dismissed'),
            barred_list_on: eb.ref('excluded.barred_list_on'),
            advisory_list_on: eb.ref('excluded.advisory_list_on'),
            severity: eb.ref('excluded.severity'),
            finalised_at: null,
            confirmed_at: null,
            confirmed_by: null,
            recorded_by: eb.ref('excluded.recorded_by'),
            recorded_at: sql<Date>`now()`,
            version: eb('case_subject_outcome.version', '+', 1),
            updated_at: sql<Date>`now()`,
          })),
        )
        .returning('id'),
    );
    return this.byId(tx, id);
  }

  /** Confirms the subject's outcome with its severity as it is now; final when complete. */
  async confirm(
    tx: EntityManager,
    c: {
      caseId: string;
      memberId: string;
      confirmedBy: string;
      severity: Severity | null;
      complete: boolean;
    },
  ): Promise<OutcomeRow> {
    // access: the case of confirmOutcome, after locate.
    const { id } = await one(
      tx,
      db
        .updateTable('case_subject_outcome')
        .set((eb) => ({
          confirmed_at: sql<Date>`now()`,
          confirmed_by: c.confirmedBy,
          severity: c.severity,
          finalised_at: c.complete ? sql<Date>`now()` : null,
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('case_id', '=', c.caseId)
        .where('workforce_member_id', '=', c.memberId)
        .returning('id'),
    );
    return this.byId(tx, id);
  }

  /** Whether a dismissal (or a would-have-been one) on the case still lacks its Barred List entry. */
  async barredListPending(tx: EntityManager, caseId: string): Promise<boolean> {
    // access: the case of recordOutcome, after locate.
    const row = await first(
      tx,
      db
        .selectFrom('case_subject_outcome as o')
        .select(sql.lit(1).as('one'))
        .where('o.case_id', '=', caseId)
        .where('o.barred_list_on', 'is', null)
        .where((eb) =>
          eb.or([
            eb('o.misconduct_outcome', 'in', [...DISMISSALS]),
            eb('o.would_have_been_dismissed', '=', true),
          ]),
        )
        .limit(1),
    );
    return row !== undefined;
  }

  private async byId(tx: EntityManager, id: string): Promise<OutcomeRow> {
    // access: an outcome the caller just wrote, after locate.
    return one(tx, outcomeQuery().where('o.id', '=', id));
  }
}
