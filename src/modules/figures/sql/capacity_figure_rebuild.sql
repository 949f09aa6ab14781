-- capacity_figure_rebuild: TRUNCATE of intelligence_report or case_record has no transition table: refill the
-- capacity figure's model.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_figure_rebuild()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        PERFORM capacity_figure_refill();
        RETURN NULL;
      END $function$;

CREATE TRIGGER capacity_figure_truncate AFTER TRUNCATE ON public.case_record
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_figure_rebuild();

CREATE TRIGGER capacity_figure_truncate AFTER TRUNCATE ON public.intelligence_report
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_figure_rebuild();
