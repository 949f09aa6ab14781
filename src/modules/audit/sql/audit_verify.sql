-- audit_verify: the first break in the audit chain (a missing seq, a broken link, an altered row), with the
-- number of rows checked: GET /api/v1/audit/verify.
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_verify()
 RETURNS TABLE(seq bigint, problem text, checked bigint)
 LANGUAGE sql
 STABLE
AS $function$
WITH chain AS (
  SELECT e.seq, e.prev_hash, e.hash, audit_event_digest(e) AS digest,
         lag(e.seq) OVER w AS prev_seq, lag(e.hash) OVER w AS prev_stored
  FROM audit_event e WINDOW w AS (ORDER BY e.seq)
), verdict AS (
  SELECT CASE
           WHEN c.seq <> COALESCE(c.prev_seq, 0) + 1 THEN COALESCE(c.prev_seq, 0) + 1
           ELSE c.seq END AS seq,
         CASE
           WHEN c.seq <> COALESCE(c.prev_seq, 0) + 1 THEN 'missing'
           WHEN c.prev_hash <> COALESCE(c.prev_stored, decode(repeat('00', 32), 'hex')) THEN 'broken_link'
           WHEN c.hash <> c.digest THEN 'altered'
         END AS problem
  FROM chain c
)
SELECT v.seq, v.problem, (SELECT count(*) FROM audit_event) FROM verdict v
WHERE v.problem IS NOT NULL ORDER BY v.seq LIMIT 1
$function$;
