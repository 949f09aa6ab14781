-- intelligence_duplicate_count: keeps intelligence_report.duplicate_count, the number of possible duplicates
-- stored for a report either way round (intelligence_duplicate holds each pair once), current in the change's
-- own statement. The queue, the search and the profile read a report's duplicates only where it has any, so
-- the pages do not look for duplicates per row (issue 25). Set-based: one UPDATE per statement, from its
-- transition table. test/database-logic.e2e-spec.ts compares the count with the pairs.
-- Owned by intelligence; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.intelligence_duplicate_count()
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
END $function$;

CREATE TRIGGER intelligence_duplicate_count_insert AFTER INSERT ON public.intelligence_duplicate
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT
  EXECUTE FUNCTION intelligence_duplicate_count();

CREATE TRIGGER intelligence_duplicate_count_delete AFTER DELETE ON public.intelligence_duplicate
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT
  EXECUTE FUNCTION intelligence_duplicate_count();
