-- case_person_fact_on_member: statement trigger on workforce_member: refresh the facts of the cases of members
-- whose member type changed (it counts for people without a confirmed outcome).
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_on_member()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        PERFORM case_person_fact_refresh(ARRAY(
          SELECT DISTINCT s.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN case_subject s ON s.workforce_member_id = n.id
           WHERE n.member_type IS DISTINCT FROM o.member_type));
        RETURN NULL;
      END $function$;

CREATE TRIGGER case_person_fact_update AFTER UPDATE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_member();
