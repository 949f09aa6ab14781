-- lantern_auth_notify: tells every API process at once that a user's roles, enabled flag, auth version or
-- workforce link, or one of their sessions, changed (NOTIFY lantern_auth with the user's id), so that cached
-- sessions are dropped (src/modules/auth/session-cache.ts). The trigger's argument names the column holding
-- the user's id.
-- Owned by auth; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.lantern_auth_notify()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM pg_notify('lantern_auth',
    (CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[0]);
  RETURN NULL;
END $function$;

CREATE TRIGGER app_user_auth_notify AFTER UPDATE ON public.app_user
  FOR EACH ROW
  WHEN (((old.roles IS DISTINCT FROM new.roles)
    OR (old.enabled IS DISTINCT FROM new.enabled)
    OR (old.auth_version IS DISTINCT FROM new.auth_version)
    OR (old.workforce_member_id IS DISTINCT FROM new.workforce_member_id)))
  EXECUTE FUNCTION lantern_auth_notify('id');

CREATE TRIGGER app_user_auth_notify_delete AFTER DELETE ON public.app_user
  FOR EACH ROW
  EXECUTE FUNCTION lantern_auth_notify('id');

CREATE TRIGGER auth_session_notify AFTER UPDATE ON public.auth_session
  FOR EACH ROW
  WHEN (((old.revoked_at IS DISTINCT FROM new.revoked_at)
    OR (old.expires_at IS DISTINCT FROM new.expires_at)
    OR (old.user_id IS DISTINCT FROM new.user_id)))
  EXECUTE FUNCTION lantern_auth_notify('user_id');

CREATE TRIGGER auth_session_notify_delete AFTER DELETE ON public.auth_session
  FOR EACH ROW
  EXECUTE FUNCTION lantern_auth_notify('user_id');
