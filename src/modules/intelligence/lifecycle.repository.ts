import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db, execute, first, one } from '../../database/sql.js';
import { IntelligenceState, type ReviewDecision } from './intelligence.enums.js';
import { reviewDate } from './intelligence.repository.js';

export type AssessmentRow = Awaited<ReturnType<LifecycleRepository['assessments']>>[number];
export type ReviewRow = Awaited<ReturnType<LifecycleRepository['reviews']>>[number];

/**
 * The lifecycle's SQL: assignment, assessments and reviews of a report. Every method is by the report's id,
 * after the caller's `requireVisible` on it.
 */
@Injectable()
export class LifecycleRepository {
  async assign(tx: EntityManager, id: string, assigneeId: string, by: string, state: IntelligenceState) {
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('intelligence_report')
        .set((eb) => ({
          assignee_id: assigneeId,
          assigned_at: sql`now()`,
          assigned_by: by,
          state,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id),
    );
  }

  /** A new assessment version and the report awaiting review; returns the version number. */
  async submit(tx: EntityManager, id: string, text: string, recommended: ReviewDecision, by: string) {
    // access: the report's own parts, by id after requireVisible.
    const { version_no } = await one(
      tx,
      sql<{ version_no: number }>`INSERT INTO intelligence_assessment
           (report_id, version_no, assessment_text, recommended_decision, submitted_by)
         SELECT ${id}, COALESCE(MAX(version_no), 0) + 1, ${text}, ${recommended}, ${by}
           FROM intelligence_assessment WHERE report_id = ${id}
         RETURNING version_no`.compile(db),
    );
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('intelligence_report')
        .set((eb) => ({
          state: IntelligenceState.AwaitingReview,
          submitted_at: sql`now()`,
          submitted_by: by,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id),
    );
    return version_no;
  }

  /** The latest assessment of a report (the one a review decides on or a supervisor sends back). */
  latestAssessment(tx: EntityManager, id: string) {
    // access: the report's own parts, by id after requireVisible.
    return first(
      tx,
      db
        .selectFrom('intelligence_assessment')
        .select((eb) => [
          'id',
          'version_no',
          'submitted_by',
          eb
            .exists(
              eb
                .selectFrom('intelligence_send_back as b')
                .select('b.id')
                .whereRef('b.assessment_id', '=', 'intelligence_assessment.id'),
            )
            .as('sent_back'),
        ])
        .where('report_id', '=', id)
        .orderBy('version_no', 'desc')
        .limit(1),
    );
  }

  /**
   * Records the assessment sent back with its reason (the version itself is never changed) and returns the report to
   * `state`, its analyst's work.
   */
  async sendBack(
    tx: EntityManager,
    id: string,
    assessmentId: string,
    reason: string,
    by: string,
    state: IntelligenceState,
  ): Promise<void> {
    // access: the report's own parts, by id after requireVisible.
    await execute(
      tx,
      db.insertInto('intelligence_send_back').values({
        report_id: id,
        assessment_id: assessmentId,
        reason,
        sent_back_by: by,
      }),
    );
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('intelligence_report')
        .set((eb) => ({
          state,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id),
    );
  }

  /** Records a review and its decision on the report. */
  async review(
    tx: EntityManager,
    id: string,
    review: {
      assessmentId: string;
      decision: ReviewDecision;
      state: IntelligenceState;
      reason: string | null;
      reviewDate: string | null;
      caseId: string | null;
      recipient: string | null;
      by: string;
    },
  ): Promise<void> {
    // access: the report's own parts, by id after requireVisible.
    await execute(
      tx,
      db.insertInto('intelligence_review').values({
        report_id: id,
        assessment_id: review.assessmentId,
        decision: review.decision,
        reason: review.reason,
        review_date: review.reviewDate,
        case_id: review.caseId,
        recipient: review.recipient,
        reviewed_by: review.by,
      }),
    );
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('intelligence_report')
        .set((eb) => ({
          state: review.state,
          decision: review.decision,
          reviewed_at: sql`now()`,
          reviewed_by: review.by,
          review_date: review.reviewDate,
          referred_case_id: eb.fn.coalesce(eb.val(review.caseId), eb.ref('referred_case_id')),
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id),
    );
  }

  assessments(tx: EntityManager, id: string) {
    // access: the report's own parts, read by id after requireVisible.
    return all(
      tx,
      db
        .selectFrom('intelligence_assessment as a')
        .leftJoin('intelligence_send_back as b', 'b.assessment_id', 'a.id')
        .select([
          'a.id',
          'a.version_no',
          'a.assessment_text',
          'a.recommended_decision',
          'a.submitted_by',
          'a.submitted_at',
          'b.sent_back_at',
          'b.sent_back_by',
          'b.reason as send_back_reason',
        ])
        .where('a.report_id', '=', id)
        .orderBy('a.version_no'),
    );
  }

  reviews(tx: EntityManager, id: string) {
    // access: the report's own parts, read by id after requireVisible.
    return all(
      tx,
      db
        .selectFrom('intelligence_review')
        .select([
          'id',
          'assessment_id',
          'decision',
          'reason',
          reviewDate(),
          'case_id',
          'recipient',
          'reviewed_by',
          'reviewed_at',
        ])
        .where('report_id', '=', id)
        .orderBy('reviewed_at')
        .orderBy('id'),
    );
  }
}
