import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One name per idea (issue 27): a case timeline event's details name the person it is about
 * `workforceMemberId`, as every body of the API does, where they used to say `subjectId` (severity assessed,
 * outcome recorded or confirmed, Barred List reminder). The stored events are renamed to match, so the
 * timeline and the case file read one key. The audit trail keeps the details it was written with (its rows
 * are sealed by the hash chain and never change).
 */
export class CaseEventWorkforceMemberId1795670000100 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE case_event
          SET details = (details - 'subjectId') || jsonb_build_object('workforceMemberId', details -> 'subjectId')
        WHERE details ? 'subjectId'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE case_event
          SET details = (details - 'workforceMemberId') || jsonb_build_object('subjectId', details -> 'workforceMemberId')
        WHERE details ? 'workforceMemberId'`,
    );
  }
}
