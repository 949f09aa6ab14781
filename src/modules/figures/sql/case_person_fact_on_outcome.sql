-- case_person_fact_on_outcome: statement triggers on case_subject_outcome: refresh the facts of the cases
-- whose counted outcome fields, confirmation or finalisation changed.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_on_outcome()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM case_person_fact_refresh(ARRAY(
            SELECT unnest(ARRAY[n.case_id, o.case_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.case_id, n.workforce_member_id, n.member_type, n.confirmed_at, n.finalised_at, n.finalised_financial_year, n.misconduct_finding, n.proceedings, n.proceedings_result, n.severity, n.misconduct_outcome, n.would_have_been_dismissed, n.left_service, n.barred_list_on, n.advisory_list_on, n.allegation_result, n.criminal_outcome) IS DISTINCT FROM (o.case_id, o.workforce_member_id, o.member_type, o.confirmed_at, o.finalised_at, o.finalised_financial_year, o.misconduct_finding, o.proceedings, o.proceedings_result, o.severity, o.misconduct_outcome, o.would_have_been_dismissed, o.left_service, o.barred_list_on, o.advisory_list_on, o.allegation_result, o.criminal_outcome)
            UNION SELECT case_id FROM new_rows WHERE id NOT IN (SELECT id FROM old_rows)
            UNION SELECT case_id FROM old_rows WHERE id NOT IN (SELECT id FROM new_rows)));
        ELSE
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $function$;

CREATE TRIGGER case_person_fact_delete AFTER DELETE ON public.case_subject_outcome
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_outcome();

CREATE TRIGGER case_person_fact_insert AFTER INSERT ON public.case_subject_outcome
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_outcome();

CREATE TRIGGER case_person_fact_update AFTER UPDATE ON public.case_subject_outcome
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_outcome();
