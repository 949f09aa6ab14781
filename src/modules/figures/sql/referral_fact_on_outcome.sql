-- referral_fact_on_outcome: statement triggers on case_subject_outcome: refresh the referral facts of the
-- cases whose counted outcome fields or confirmation changed.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.referral_fact_on_outcome()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM referral_fact_refresh(ARRAY(
      SELECT unnest(ARRAY[n.case_id, o.case_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, n.workforce_member_id, n.allegation_result, n.misconduct_finding, n.proceedings_result, n.misconduct_outcome, n.would_have_been_dismissed, n.criminal_outcome, n.confirmed_at) IS DISTINCT FROM (o.case_id, o.workforce_member_id, o.allegation_result, o.misconduct_finding, o.proceedings_result, o.misconduct_outcome, o.would_have_been_dismissed, o.criminal_outcome, o.confirmed_at)
      UNION SELECT case_id FROM new_rows WHERE id NOT IN (SELECT id FROM old_rows)
      UNION SELECT case_id FROM old_rows WHERE id NOT IN (SELECT id FROM new_rows)));
  ELSE
    PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER referral_fact_delete AFTER DELETE ON public.case_subject_outcome
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_on_outcome();

CREATE TRIGGER referral_fact_insert AFTER INSERT ON public.case_subject_outcome
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_on_outcome();

CREATE TRIGGER referral_fact_update AFTER UPDATE ON public.case_subject_outcome
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_on_outcome();
