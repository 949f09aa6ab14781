import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that can end a user's access (roles, enabled, auth version, workforce link, a session
 * revoked, shortened or removed) notifies channel `lantern_auth` with the user's id when it commits, so that
 * each API process drops what it cached about that user (SessionCache). Written as triggers, so a change made
 * outside the app (an operator's SQL) is covered too.
 */
export class AuthChangeNotify1795543000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    // TG_ARGV[0]: the column holding the user's id. NOTIFY folds repeats of one payload in a transaction.
    await q.query(`CREATE FUNCTION lantern_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lantern_auth',
          (CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[0]);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER app_user_auth_notify AFTER UPDATE ON app_user FOR EACH ROW
      WHEN (OLD.roles IS DISTINCT FROM NEW.roles OR OLD.enabled IS DISTINCT FROM NEW.enabled
            OR OLD.auth_version IS DISTINCT FROM NEW.auth_version
            OR OLD.workforce_member_id IS DISTINCT FROM NEW.workforce_member_id)
      EXECUTE FUNCTION lantern_auth_notify('id')`);
    await q.query(`CREATE TRIGGER app_user_auth_notify_delete AFTER DELETE ON app_user FOR EACH ROW
      EXECUTE FUNCTION lantern_auth_notify('id')`);
    await q.query(`CREATE TRIGGER auth_session_notify AFTER UPDATE ON auth_session FOR EACH ROW
      WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
            OR OLD.user_id IS DISTINCT FROM NEW.user_id)
      EXECUTE FUNCTION lantern_auth_notify('user_id')`);
    await q.query(`CREATE TRIGGER auth_session_notify_delete AFTER DELETE ON auth_session FOR EACH ROW
      EXECUTE FUNCTION lantern_auth_notify('user_id')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER auth_session_notify_delete ON auth_session`);
    await q.query(`DROP TRIGGER auth_session_notify ON auth_session`);
    await q.query(`DROP TRIGGER app_user_auth_notify_delete ON app_user`);
    await q.query(`DROP TRIGGER app_user_auth_notify ON app_user`);
    await q.query(`DROP FUNCTION lantern_auth_notify()`);
  }
}
