-- audit_event_chain: seals each row into the hash chain: the next seq, the time, the previous row's hash and
-- the row's own digest, under one advisory lock, so that rows join the chain one at a time, in commit order
-- (audit_event_seal runs it at commit; READ COMMITTED is assumed, src/database/data-source.ts).
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_event_chain()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE last_seq bigint; last_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(7461626001);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_event ORDER BY seq DESC LIMIT 1;
  NEW.seq := COALESCE(last_seq, 0) + 1;
  NEW.occurred_at := clock_timestamp();
  NEW.prev_hash := COALESCE(last_hash, decode(repeat('00', 32), 'hex'));
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END $function$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON public.audit_event
  FOR EACH ROW
  EXECUTE FUNCTION audit_event_chain();
