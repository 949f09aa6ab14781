import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The date the matter came to the force's attention (issue 26): the conduct regime follows it (2020 from
 * 1 February 2020, 2012 before), and a case can be recorded later than that (opened from old intelligence).
 * Every case created through the API has it (given, or the earliest of its linked reports' receipt and its
 * recording); existing cases take the same default. Null (rows written by hand, the demo's bulk insert) reads
 * as the recorded date. It is never after the recorded date.
 */
export class CaseCameToAttention1795690000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_record ADD COLUMN came_to_attention_on date`);
    await q.query(`UPDATE case_record c
      SET came_to_attention_on = LEAST((c.recorded_at AT TIME ZONE 'Europe/London')::date,
        (SELECT min((r.received_at AT TIME ZONE 'Europe/London')::date)
           FROM case_intelligence ci JOIN intelligence_report r ON r.id = ci.report_id
          WHERE ci.case_id = c.id))`);
    await q.query(`ALTER TABLE case_record ADD CONSTRAINT ck_case_record_came_to_attention
      CHECK (came_to_attention_on <= (recorded_at AT TIME ZONE 'Europe/London')::date)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_record DROP COLUMN came_to_attention_on`);
  }
}
