-- vetting_alert_outbox: every alert raised writes its notification into the outbox in the same transaction;
-- the worker relays it (a Redis outage or a crash loses and duplicates nothing). Payloads carry ids, codes
-- and dates only.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_alert_outbox()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO outbox_message (topic, idempotency_key, payload)
  SELECT 'vetting.alert.raised', 'vetting-alert-raised:' || n.id,
         jsonb_build_object('event', 'vetting.alert.raised', 'alertId', n.id, 'kind', n.kind,
           'workforceMemberId', n.workforce_member_id, 'clearanceId', n.clearance_id, 'level', n.level,
           'dueOn', n.due_on, 'raisedAt', n.raised_at)
  FROM new_alerts n
  ON CONFLICT (idempotency_key) DO NOTHING;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_alert_outbox AFTER INSERT ON public.vetting_alert
  REFERENCING NEW TABLE AS new_alerts
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_alert_outbox();
