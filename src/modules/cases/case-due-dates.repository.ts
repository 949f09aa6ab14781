import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { all, db } from '../../database/sql.js';
import { CaseEventKind, CaseStatus, UpdateRecipient } from './cases.enums.js';

const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/** The London date of the last update given to `recipient` (or both), or of the recording when none. */
const lastUpdateOn = (recipient: UpdateRecipient) =>
  // access: a fragment of dueDates (the worker's reminders; the recipients are filtered by the policy).
  sql<string>`(COALESCE((SELECT max(COALESCE((e.details->>'givenAt')::timestamptz, e.occurred_at))
      FROM case_event e WHERE e.case_id = c.id AND e.kind = ${CaseEventKind.UpdateGiven}
       AND e.details->>'recipients' IN (${recipient}, ${UpdateRecipient.Both})), c.recorded_at)
     AT TIME ZONE ${LONDON})::date`;

/** The SQL of the dates a case's people are reminded of (the worker's reminders). */
@Injectable()
export class CaseDueDatesRepository {
  /**
   * Every open case with a due date on or before `horizon`: the subject's and the complainant's next update
   * (28 days after the last one given to them, each on its own clock) and the 12-month PCC mark.
   */
  dueBy(tx: EntityManager, horizon: string) {
    const subjectDue = sql<string>`(${lastUpdateOn(UpdateRecipient.Subject)} + 28)`;
    const complainantDue = sql<string>`(${lastUpdateOn(UpdateRecipient.Complainant)} + 28)`;
    return all(
      tx,
      // access: the worker's reminders, for every case; NotificationsService keeps from each recipient the
      // records that concern them (mayConcern), and the inbox applies visibleTo again.
      db
        .selectFrom('case_record as c')
        .select([
          'c.id',
          'c.reference',
          'c.investigator_id',
          'c.supervisor_id',
          sql<string>`${subjectDue}::text`.as('subject_update_due'),
          sql<string>`${complainantDue}::text`.as('complainant_update_due'),
          sql<string>`c.pcc_report_due::text`.as('pcc_report_due'),
          // access: the case's own subjects, for the policy's check of each recipient.
          sql<
            string[]
          >`ARRAY(SELECT s.workforce_member_id FROM case_subject s WHERE s.case_id = c.id)::text[]`.as(
            'subject_ids',
          ),
        ])
        .where('c.status', '<>', CaseStatus.Closed)
        .where(sql<boolean>`LEAST(${subjectDue}, ${complainantDue}, c.pcc_report_due) <= ${horizon}::date`)
        .orderBy('c.id'),
    );
  }

  /** Of `ids`, the cases still open and their current due dates (to resolve what was done). */
  current(tx: EntityManager, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return all(
      tx,
      // access: the worker's resolution of its own reminders, by id.
      db
        .selectFrom('case_record as c')
        .select([
          'c.id',
          sql<string>`(${lastUpdateOn(UpdateRecipient.Subject)} + 28)::text`.as('subject_update_due'),
          sql<string>`(${lastUpdateOn(UpdateRecipient.Complainant)} + 28)::text`.as('complainant_update_due'),
          sql<string>`c.pcc_report_due::text`.as('pcc_report_due'),
        ])
        .where('c.status', '<>', CaseStatus.Closed)
        .where(sql<boolean>`c.id = ANY(${ids}::uuid[])`),
    );
  }
}
