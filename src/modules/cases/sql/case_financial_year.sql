-- case_financial_year: the UK financial year (1 April to 31 March, on the London calendar) an instant or a
-- date falls in, held as the year it starts in. The same rule in TypeScript:
-- src/modules/figures/financial-year.ts; test/database-logic.e2e-spec.ts compares the two on generated
-- instants.
-- Owned by cases; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_financial_year(ts timestamp with time zone)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
SELECT (extract(year FROM ts AT TIME ZONE 'Europe/London')::int
  - CASE WHEN extract(month FROM ts AT TIME ZONE 'Europe/London') < 4 THEN 1 ELSE 0 END)
$function$;

CREATE OR REPLACE FUNCTION public.case_financial_year(d date)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
SELECT (extract(year FROM d)::int - CASE WHEN extract(month FROM d) < 4 THEN 1 ELSE 0 END)
$function$;
