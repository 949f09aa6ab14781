-- intelligence_figure_facts_of: the intelligence figure's one derivation: for a report's columns, the rows it
-- counts in (basis, financial year, category filter: NULL for every category, its primary and each secondary)
-- with its days to decision (whole UK days, decided reports only). Used by the triggers, the refill and the
-- figure's read-time take-off.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.intelligence_figure_facts_of(p_received_at timestamp with time zone, p_reviewed_at timestamp with time zone, p_decision intelligence_decision, p_primary_category corruption_category, p_secondary_categories corruption_category[])
 RETURNS TABLE(basis text, fy integer, category corruption_category, days integer)
 LANGUAGE sql
 IMMUTABLE
AS $function$
      SELECT b.basis, b.fy, k.category,
             CASE WHEN p_decision IS NOT NULL AND p_reviewed_at IS NOT NULL
                  THEN (p_reviewed_at AT TIME ZONE 'Europe/London')::date - (p_received_at AT TIME ZONE 'Europe/London')::date
             END
        FROM (SELECT 'recorded'::text, case_financial_year(p_received_at)
              UNION ALL
              SELECT 'finalised', case_financial_year(p_reviewed_at)
               WHERE p_decision IS NOT NULL AND p_reviewed_at IS NOT NULL) b(basis, fy)
       CROSS JOIN (SELECT NULL::corruption_category
                   UNION SELECT p_primary_category
                   UNION SELECT unnest(p_secondary_categories)) k(category)
    $function$;
