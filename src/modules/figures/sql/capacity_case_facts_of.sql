-- capacity_case_facts_of: the capacity figure's derivation for a case: the category filters it matches, the
-- UK date recorded and the UK date finalised (NULL while open).
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_case_facts_of(p_recorded_at timestamp with time zone, p_finalised_at timestamp with time zone, p_primary_category corruption_category, p_categories corruption_category[])
 RETURNS TABLE(category corruption_category, recorded_on date, finalised_on date)
 LANGUAGE sql
 IMMUTABLE
AS $function$
      SELECT k.category, (p_recorded_at AT TIME ZONE 'Europe/London')::date,
             (p_finalised_at AT TIME ZONE 'Europe/London')::date
        FROM (SELECT NULL::corruption_category
              UNION SELECT p_primary_category
              UNION SELECT unnest(p_categories)) k(category)
    $function$;
