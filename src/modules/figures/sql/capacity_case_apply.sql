-- capacity_case_apply: statement triggers on case_record: add a statement's new cases to capacity_case_count
-- and take off its old ones (an update: only rows whose counted columns changed, the investigator included),
-- one upsert in key order.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_case_apply()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO capacity_case_count AS t (category, recorded_on, finalised_on, investigator_id, n)
          SELECT f.category, f.recorded_on, f.finalised_on, r.investigator_id, sum(r.sign)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n) r
           CROSS JOIN LATERAL capacity_case_facts_of(r.recorded_at, r.finalised_at, r.primary_category,
                 r.categories) f
           GROUP BY f.category, f.recorded_on, f.finalised_on, r.investigator_id
           ORDER BY f.category NULLS FIRST, f.recorded_on, f.finalised_on NULLS FIRST, r.investigator_id NULLS FIRST
          ON CONFLICT (category, recorded_on, finalised_on, investigator_id) DO UPDATE SET n = t.n + excluded.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO capacity_case_count AS t (category, recorded_on, finalised_on, investigator_id, n)
          SELECT f.category, f.recorded_on, f.finalised_on, r.investigator_id, sum(r.sign)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE (n.recorded_at, n.finalised_at, n.primary_category, n.categories, n.investigator_id) IS DISTINCT FROM (o.recorded_at, o.finalised_at, o.primary_category, o.categories, o.investigator_id)
                    UNION ALL
                    SELECT -1, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (n.recorded_at, n.finalised_at, n.primary_category, n.categories, n.investigator_id) IS DISTINCT FROM (o.recorded_at, o.finalised_at, o.primary_category, o.categories, o.investigator_id)) r
           CROSS JOIN LATERAL capacity_case_facts_of(r.recorded_at, r.finalised_at, r.primary_category,
                 r.categories) f
           GROUP BY f.category, f.recorded_on, f.finalised_on, r.investigator_id
           ORDER BY f.category NULLS FIRST, f.recorded_on, f.finalised_on NULLS FIRST, r.investigator_id NULLS FIRST
          ON CONFLICT (category, recorded_on, finalised_on, investigator_id) DO UPDATE SET n = t.n + excluded.n;
        ELSE
          INSERT INTO capacity_case_count AS t (category, recorded_on, finalised_on, investigator_id, n)
          SELECT f.category, f.recorded_on, f.finalised_on, r.investigator_id, sum(r.sign)::int
            FROM (SELECT -1 AS sign, o.* FROM old_rows o) r
           CROSS JOIN LATERAL capacity_case_facts_of(r.recorded_at, r.finalised_at, r.primary_category,
                 r.categories) f
           GROUP BY f.category, f.recorded_on, f.finalised_on, r.investigator_id
           ORDER BY f.category NULLS FIRST, f.recorded_on, f.finalised_on NULLS FIRST, r.investigator_id NULLS FIRST
          ON CONFLICT (category, recorded_on, finalised_on, investigator_id) DO UPDATE SET n = t.n + excluded.n;
        END IF;
        RETURN NULL;
      END $function$;

CREATE TRIGGER capacity_figure_delete AFTER DELETE ON public.case_record
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_case_apply();

CREATE TRIGGER capacity_figure_insert AFTER INSERT ON public.case_record
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_case_apply();

CREATE TRIGGER capacity_figure_update AFTER UPDATE ON public.case_record
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_case_apply();
