import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain is sealed at commit. Until now an audited transaction inserted into audit_event, whose
 * trigger takes the chain's lock, so the lock was held from that insert until the commit: across a round
 * trip to the API, the API's own work between the two statements (event-loop delays under load), and the
 * commit's WAL flush. Every audited request in the force waited there in turn.
 *
 * Now the application inserts its audit rows into `audit_event_pending` (unlogged: rows live only inside
 * their transaction), and a deferred constraint trigger moves each one into audit_event when the
 * transaction commits. audit_event's chain trigger is unchanged (lock, next seq, link, hash), so the chain
 * stays gap-free and in commit order, but the lock is now held only from the sealing to the end of the
 * commit, inside PostgreSQL. A rolled-back transaction never reaches the trigger and leaves nothing.
 * The app role may no longer insert into audit_event directly: only through the pending table.
 */
export class AuditSealedAtCommit1795547000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNLOGGED TABLE audit_event_pending (
      "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      "user_id" uuid,
      "roles" text array NOT NULL DEFAULT '{}',
      "action" character varying(64) NOT NULL,
      "resource_type" character varying(64) NOT NULL,
      "resource_id" character varying(64),
      "subject_ids" uuid array NOT NULL DEFAULT '{}',
      "outcome" "public"."audit_outcome" NOT NULL,
      "request_id" character varying(128),
      "client_address" character varying(64),
      "details" jsonb NOT NULL DEFAULT '{}')`);
    await q.query(`CREATE FUNCTION audit_event_seal() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        INSERT INTO audit_event (user_id, roles, action, resource_type, resource_id, subject_ids, outcome,
                                 request_id, client_address, details)
        VALUES (NEW.user_id, NEW.roles, NEW.action, NEW.resource_type, NEW.resource_id, NEW.subject_ids,
                NEW.outcome, NEW.request_id, NEW.client_address, NEW.details);
        DELETE FROM audit_event_pending WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE CONSTRAINT TRIGGER audit_event_seal AFTER INSERT ON audit_event_pending
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_event_seal()`);
    await q.query(`REVOKE ALL ON audit_event_pending FROM PUBLIC, lantern_app`);
    await q.query(`GRANT INSERT ON audit_event_pending TO lantern_app`);
    await q.query(`REVOKE INSERT ON audit_event FROM lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT INSERT ON audit_event TO lantern_app`);
    await q.query(`DROP TRIGGER audit_event_seal ON audit_event_pending`);
    await q.query(`DROP FUNCTION audit_event_seal()`);
    await q.query(`DROP TABLE audit_event_pending`);
  }
}
