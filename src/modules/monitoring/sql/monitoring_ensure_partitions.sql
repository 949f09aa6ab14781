-- monitoring_ensure_partitions: makes the day partitions (London days) of the monitoring event tables from
-- p_from to p_to, where missing; answers how many it made. SECURITY DEFINER: the application cannot CREATE.
-- Owned by monitoring; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.monitoring_ensure_partitions(p_from date, p_to date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  d date;
  t text;
  made integer := 0;
BEGIN
  IF p_to - p_from > 366 THEN
    RAISE EXCEPTION 'monitoring_ensure_partitions: at most 366 days at once';
  END IF;
  d := p_from;
  WHILE d <= p_to LOOP
    FOREACH t IN ARRAY ARRAY['monitoring_access_event', 'monitoring_contact_event'] LOOP
      IF to_regclass(format('public.%I', t || '_' || to_char(d, 'YYYYMMDD'))) IS NULL THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
          t || '_' || to_char(d, 'YYYYMMDD'), t,
          d::timestamp AT TIME ZONE 'Europe/London', (d + 1)::timestamp AT TIME ZONE 'Europe/London');
        made := made + 1;
      END IF;
    END LOOP;
    d := d + 1;
  END LOOP;
  RETURN made;
END $function$
