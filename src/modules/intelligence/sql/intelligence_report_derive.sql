-- intelligence_report_derive: a report's queue order (urgency_rank: 0 with a vulnerable person and abuse of
-- position for a sexual purpose, 1 with one of them, else 2) and its full-text search vector (reference
-- weighted A, narrative B; recomputed only when they change). The same rank in TypeScript: urgencyRank in
-- src/modules/intelligence/intelligence.rules.ts; test/database-logic.e2e-spec.ts compares the two.
-- Owned by intelligence; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.intelligence_report_derive()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE apsp boolean;
BEGIN
  apsp := NEW.primary_category = 'abuse_of_position_sexual'
       OR 'abuse_of_position_sexual' = ANY (NEW.secondary_categories);
  NEW.urgency_rank := CASE
    WHEN NEW.vulnerable_person AND apsp THEN 0
    WHEN NEW.vulnerable_person OR apsp THEN 1
    ELSE 2 END;
  IF TG_OP = 'INSERT' OR NEW.narrative IS DISTINCT FROM OLD.narrative
     OR NEW.reference IS DISTINCT FROM OLD.reference THEN
    NEW.search_vector := setweight(to_tsvector('simple', NEW.reference), 'A')
                      || setweight(to_tsvector('english', NEW.narrative), 'B');
  END IF;
  RETURN NEW;
END $function$;

CREATE TRIGGER intelligence_report_derive BEFORE INSERT OR UPDATE ON public.intelligence_report
  FOR EACH ROW
  EXECUTE FUNCTION intelligence_report_derive();
