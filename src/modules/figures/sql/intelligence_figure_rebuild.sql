-- intelligence_figure_rebuild: TRUNCATE of intelligence_report has no transition table: refill the
-- intelligence figure's model.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.intelligence_figure_rebuild()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        PERFORM intelligence_figure_refill();
        RETURN NULL;
      END $function$;

CREATE TRIGGER intelligence_figure_truncate AFTER TRUNCATE ON public.intelligence_report
  FOR EACH STATEMENT
  EXECUTE FUNCTION intelligence_figure_rebuild();
