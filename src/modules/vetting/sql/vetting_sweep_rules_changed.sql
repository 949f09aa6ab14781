-- vetting_sweep_rules_changed: a change of the vetting rules (warning windows, which level satisfies which)
-- makes the next sweep look at everyone.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_sweep_rules_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  UPDATE vetting_sweep_state SET full_needed = true WHERE NOT full_needed;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_sweep_rules_changed AFTER INSERT OR DELETE OR UPDATE ON public.vetting_level_rule
  FOR EACH ROW
  EXECUTE FUNCTION vetting_sweep_rules_changed();

CREATE TRIGGER vetting_sweep_rules_truncated AFTER TRUNCATE ON public.vetting_level_rule
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_rules_changed();

CREATE TRIGGER vetting_sweep_rules_changed AFTER INSERT OR DELETE OR UPDATE ON public.vetting_level_satisfies
  FOR EACH ROW
  EXECUTE FUNCTION vetting_sweep_rules_changed();

CREATE TRIGGER vetting_sweep_rules_truncated AFTER TRUNCATE ON public.vetting_level_satisfies
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_rules_changed();
