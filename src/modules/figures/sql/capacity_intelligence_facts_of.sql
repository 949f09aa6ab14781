-- capacity_intelligence_facts_of: the capacity figure's derivation for a report: the category filters it
-- matches, the UK date received and the UK date closed (decided other than development; NULL while open).
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_intelligence_facts_of(p_received_at timestamp with time zone, p_reviewed_at timestamp with time zone, p_decision intelligence_decision, p_primary_category corruption_category, p_secondary_categories corruption_category[])
 RETURNS TABLE(category corruption_category, received_on date, closed_on date)
 LANGUAGE sql
 IMMUTABLE
AS $function$
      SELECT k.category, (p_received_at AT TIME ZONE 'Europe/London')::date,
             CASE WHEN p_decision IS NOT NULL AND p_decision <> 'development'
                  THEN (p_reviewed_at AT TIME ZONE 'Europe/London')::date END
        FROM (SELECT NULL::corruption_category
              UNION SELECT p_primary_category
              UNION SELECT unnest(p_secondary_categories)) k(category)
    $function$;
