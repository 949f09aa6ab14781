import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, execute, first } from '../../database/sql.js';
import { type IopcDecision, ReferralBasis, type ReferralCriterion } from './cases.enums.js';

/** The referral's columns (dates as YYYY-MM-DD). */
const referralQuery = () =>
  // access: callers select by case id after requireVisible.
  db
    .selectFrom('iopc_referral as r')
    .select([
      'r.id',
      sql<string>`r.referred_on::text`.as('referred_on'),
      'r.referred_financial_year',
      'r.basis',
      sql<ReferralCriterion[]>`r.criteria::text[]`.as('criteria'),
      'r.reason',
      'r.iopc_reference',
      'r.decision',
      sql<string | null>`r.decided_on::text`.as('decided_on'),
      'r.recorded_by',
      'r.decision_recorded_by',
    ]);

export type ReferralRow = NonNullable<Awaited<ReturnType<ReferralRepository['ofCase']>>>;

/** What a correction sets on the referral. */
export interface ReferralCorrection {
  referredOn: string;
  basis: ReferralBasis;
  decision: IopcDecision | null;
  decidedOn: string | null;
  iopcReference: string | null;
  /** The reason of a referral that becomes voluntary without one. */
  reason: string;
  /** Set when the decision changed: who recorded it (now). */
  decisionRecordedBy: string | null;
}

/** The case's IOPC referral (`iopc_referral`, one per case) and the no-referral record. */
@Injectable()
export class ReferralRepository {
  /** The case's referral, if any (locked for a change). */
  async ofCase(tx: EntityManager, caseId: string, lock = false) {
    // access: by case id after requireVisible.
    return first(
      tx,
      referralQuery()
        .where('r.case_id', '=', caseId)
        .$if(lock, (qb) => qb.forUpdate()),
    );
  }

  async insert(
    tx: EntityManager,
    r: {
      caseId: string;
      referredOn: string;
      basis: ReferralBasis;
      criteria: ReferralCriterion[];
      reason: string | null;
      iopcReference: string | null;
      recordedBy: string;
    },
  ): Promise<void> {
    // access: the case after requireVisible; the financial year is the table trigger's.
    await execute(
      tx,
      db.insertInto('iopc_referral').values({
        case_id: r.caseId,
        referred_on: r.referredOn,
        referred_financial_year: 0,
        basis: r.basis,
        criteria: r.criteria,
        reason: r.reason,
        iopc_reference: r.iopcReference,
        recorded_by: r.recordedBy,
      }),
    );
  }

  async recordDecision(
    tx: EntityManager,
    caseId: string,
    d: { decision: IopcDecision; decidedOn: string; iopcReference: string | null; recordedBy: string },
  ): Promise<void> {
    // access: the case after requireVisible.
    await execute(
      tx,
      db
        .updateTable('iopc_referral')
        .set({
          decision: d.decision,
          decided_on: d.decidedOn,
          iopc_reference: sql<string | null>`COALESCE(${d.iopcReference}, iopc_reference)`,
          decision_recorded_by: d.recordedBy,
          decision_recorded_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        })
        .where('case_id', '=', caseId),
    );
  }

  async correct(tx: EntityManager, caseId: string, c: ReferralCorrection): Promise<void> {
    // access: the case after requireVisible.
    await execute(
      tx,
      db
        .updateTable('iopc_referral')
        .set((eb) => ({
          referred_on: c.referredOn,
          basis: c.basis,
          decision: c.decision,
          decided_on: c.decidedOn,
          iopc_reference: c.iopcReference,
          ...(c.basis === ReferralBasis.Voluntary
            ? { reason: eb.fn.coalesce('reason', eb.val(c.reason)) }
            : {}),
          ...(c.decisionRecordedBy
            ? { decision_recorded_by: c.decisionRecordedBy, decision_recorded_at: sql<Date>`now()` }
            : {}),
          updated_at: sql<Date>`now()`,
        }))
        .where('case_id', '=', caseId),
    );
  }
}
