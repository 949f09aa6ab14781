import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { all, db } from '../../database/sql.js';
import { IntelligenceState } from './intelligence.enums.js';

const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/** States in which a report still waits for its assessment (and so for its target). */
const ASSESSING = [
  IntelligenceState.Received,
  IntelligenceState.InAssessment,
  IntelligenceState.AwaitingReview,
];

/** The SQL of the dates a report's analysts are reminded of (the worker's reminders). */
@Injectable()
export class ReportDueDatesRepository {
  /**
   * Reports with a date on or before `horizon`: the assessment target (`targetDays` after receipt, London
   * calendar) while assessment is pending; the review date of one in development.
   */
  dueBy(tx: EntityManager, horizon: string, targetDays: number) {
    const due = sql<string>`(CASE WHEN r.state = ${IntelligenceState.Development} THEN r.review_date
      ELSE (r.received_at AT TIME ZONE ${LONDON})::date + ${targetDays}::int END)`;
    return all(
      tx,
      // access: the worker's reminders, for every report; NotificationsService keeps from each recipient the
      // records that concern them (mayConcern), and the inbox applies visibleTo again.
      db
        .selectFrom('intelligence_report as r')
        .select([
          'r.id',
          'r.reference',
          'r.state',
          'r.assignee_id',
          'r.assigned_by',
          'r.reviewed_by',
          sql<string>`${due}::text`.as('due_on'),
          // access: the report's own subjects, for the policy's check of each recipient.
          sql<
            string[]
          >`ARRAY(SELECT s.workforce_member_id FROM intelligence_subject s WHERE s.report_id = r.id)::text[]`.as(
            'subject_ids',
          ),
        ])
        .where((eb) =>
          eb.or([
            eb('r.state', 'in', ASSESSING),
            eb.and([eb('r.state', '=', IntelligenceState.Development), eb('r.review_date', 'is not', null)]),
          ]),
        )
        .where(sql<boolean>`${due} <= ${horizon}::date`)
        .orderBy('r.id'),
    );
  }

  /** Of `ids`, the current pending date of each report still waiting (absent: nothing pending). */
  current(tx: EntityManager, ids: readonly string[], targetDays: number) {
    if (ids.length === 0) return Promise.resolve([]);
    return all(
      tx,
      // access: the worker's resolution of its own reminders, by id.
      db
        .selectFrom('intelligence_report as r')
        .select([
          'r.id',
          'r.state',
          sql<string | null>`(CASE WHEN r.state = ${IntelligenceState.Development} THEN r.review_date
            WHEN r.state = ANY(${ASSESSING}::intelligence_state[])
            THEN (r.received_at AT TIME ZONE ${LONDON})::date + ${targetDays}::int END)::text`.as('due_on'),
        ])
        .where(sql<boolean>`r.id = ANY(${ids}::uuid[])`),
    );
  }
}
