import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applies the database definitions of src/modules/intelligence/sql/intelligence_duplicate_count.sql
 * as they were when this migration was written (`npm run db:definitions`): the files are the current text,
 * this is history. The queue, the search and the profile used to look for each row's possible duplicates (a
 * bitmap OR over both directions of intelligence_duplicate, then the policy) on every page, though few reports
 * have any: intelligence_report.duplicate_count, kept by a statement trigger on intelligence_duplicate, lets
 * them look only where there are some (issue 25, "duplicates computed on write rather than per page").
 */
export class DuplicateCounts1795650000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE intelligence_report ADD COLUMN duplicate_count int NOT NULL DEFAULT 0
      CONSTRAINT ck_intelligence_report_duplicate_count CHECK (duplicate_count >= 0)`);
    await q.query(`UPDATE intelligence_report r SET duplicate_count = d.n
      FROM (SELECT id, count(*)::int AS n
              FROM (SELECT report_id AS id FROM intelligence_duplicate
                    UNION ALL SELECT related_report_id FROM intelligence_duplicate) x
             GROUP BY id) d
     WHERE r.id = d.id`);
    await q.query(`CREATE OR REPLACE FUNCTION public.intelligence_duplicate_count()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE step int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  UPDATE intelligence_report r SET duplicate_count = r.duplicate_count + step * d.n
    FROM (SELECT id, count(*)::int AS n
            FROM (SELECT report_id AS id FROM changed UNION ALL SELECT related_report_id FROM changed) x
           GROUP BY id) d
   WHERE r.id = d.id;
  RETURN NULL;
END $function$`);
    await q.query(`CREATE TRIGGER intelligence_duplicate_count_insert AFTER INSERT ON public.intelligence_duplicate
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT
  EXECUTE FUNCTION intelligence_duplicate_count()`);
    await q.query(`CREATE TRIGGER intelligence_duplicate_count_delete AFTER DELETE ON public.intelligence_duplicate
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT
  EXECUTE FUNCTION intelligence_duplicate_count()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER intelligence_duplicate_count_insert ON public.intelligence_duplicate`);
    await q.query(`DROP TRIGGER intelligence_duplicate_count_delete ON public.intelligence_duplicate`);
    await q.query(`DROP FUNCTION public.intelligence_duplicate_count()`);
    await q.query(`ALTER TABLE intelligence_report DROP COLUMN duplicate_count`);
  }
}
