import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The figures read every intelligence report of the range (ten years: the whole table) but only a handful
 * of its narrow columns: the intelligence table by year received, and the capacity queue (received, decided,
 * reviewed). Covering them lets both read this index alone (index-only scan) instead of every wide row of
 * the heap (narrative, search vector).
 */
export class FiguresIntelligenceIndex1795540000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_intelligence_report_figures" ON "intelligence_report" ("received_at") INCLUDE ("decision", "reviewed_at", "primary_category", "source_type", "grading_scheme")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_intelligence_report_figures"`);
  }
}
