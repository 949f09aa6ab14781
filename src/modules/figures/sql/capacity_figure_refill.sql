-- capacity_figure_refill: recomputes capacity_intelligence_count and capacity_case_count from every report
-- and case (the backfill, TRUNCATE, a bulk load with the triggers disabled). Owner only.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_figure_refill()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public'
AS $function$
      BEGIN
        LOCK TABLE capacity_intelligence_count, capacity_case_count IN EXCLUSIVE MODE;
        DELETE FROM capacity_intelligence_count;
        DELETE FROM capacity_case_count;
        INSERT INTO capacity_intelligence_count AS t (category, received_on, closed_on, n)
          SELECT f.category, f.received_on, f.closed_on, sum(r.sign)::int
            FROM (SELECT 1 AS sign, r.* FROM intelligence_report r) r
           CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                 r.primary_category, r.secondary_categories) f
           GROUP BY f.category, f.received_on, f.closed_on
           ORDER BY f.category NULLS FIRST, f.received_on, f.closed_on NULLS FIRST
          ON CONFLICT (category, received_on, closed_on) DO UPDATE SET n = t.n + excluded.n;
        INSERT INTO capacity_case_count AS t (category, recorded_on, finalised_on, investigator_id, n)
          SELECT f.category, f.recorded_on, f.finalised_on, r.investigator_id, sum(r.sign)::int
            FROM (SELECT 1 AS sign, r.* FROM case_record r) r
           CROSS JOIN LATERAL capacity_case_facts_of(r.recorded_at, r.finalised_at, r.primary_category,
                 r.categories) f
           GROUP BY f.category, f.recorded_on, f.finalised_on, r.investigator_id
           ORDER BY f.category NULLS FIRST, f.recorded_on, f.finalised_on NULLS FIRST, r.investigator_id NULLS FIRST
          ON CONFLICT (category, recorded_on, finalised_on, investigator_id) DO UPDATE SET n = t.n + excluded.n;
      END $function$;
