-- capacity_intelligence_apply: statement triggers on intelligence_report: add a statement's new reports to
-- capacity_intelligence_count and take off its old ones (an update: only rows whose counted columns changed),
-- one upsert in key order.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.capacity_intelligence_apply()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO capacity_intelligence_count AS t (category, received_on, closed_on, n)
          SELECT f.category, f.received_on, f.closed_on, sum(r.sign)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n) r
           CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                 r.primary_category, r.secondary_categories) f
           GROUP BY f.category, f.received_on, f.closed_on
           ORDER BY f.category NULLS FIRST, f.received_on, f.closed_on NULLS FIRST
          ON CONFLICT (category, received_on, closed_on) DO UPDATE SET n = t.n + excluded.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO capacity_intelligence_count AS t (category, received_on, closed_on, n)
          SELECT f.category, f.received_on, f.closed_on, sum(r.sign)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE (n.received_at, n.reviewed_at, n.decision, n.primary_category, n.secondary_categories) IS DISTINCT FROM (o.received_at, o.reviewed_at, o.decision, o.primary_category, o.secondary_categories)
                    UNION ALL
                    SELECT -1, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (n.received_at, n.reviewed_at, n.decision, n.primary_category, n.secondary_categories) IS DISTINCT FROM (o.received_at, o.reviewed_at, o.decision, o.primary_category, o.secondary_categories)) r
           CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                 r.primary_category, r.secondary_categories) f
           GROUP BY f.category, f.received_on, f.closed_on
           ORDER BY f.category NULLS FIRST, f.received_on, f.closed_on NULLS FIRST
          ON CONFLICT (category, received_on, closed_on) DO UPDATE SET n = t.n + excluded.n;
        ELSE
          INSERT INTO capacity_intelligence_count AS t (category, received_on, closed_on, n)
          SELECT f.category, f.received_on, f.closed_on, sum(r.sign)::int
            FROM (SELECT -1 AS sign, o.* FROM old_rows o) r
           CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                 r.primary_category, r.secondary_categories) f
           GROUP BY f.category, f.received_on, f.closed_on
           ORDER BY f.category NULLS FIRST, f.received_on, f.closed_on NULLS FIRST
          ON CONFLICT (category, received_on, closed_on) DO UPDATE SET n = t.n + excluded.n;
        END IF;
        RETURN NULL;
      END $function$;

CREATE TRIGGER capacity_figure_delete AFTER DELETE ON public.intelligence_report
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_intelligence_apply();

CREATE TRIGGER capacity_figure_insert AFTER INSERT ON public.intelligence_report
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_intelligence_apply();

CREATE TRIGGER capacity_figure_update AFTER UPDATE ON public.intelligence_report
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION capacity_intelligence_apply();
