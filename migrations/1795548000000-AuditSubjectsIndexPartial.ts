import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The GIN index on `audit_event.subject_ids` ("who looked at anything about this person") is updated when a
 * row is sealed into the chain, under the chain's lock (migration 1795547000000), so whatever it costs there
 * every audited request in the force waits for.
 *
 * - It now holds only the rows that name somebody. Most audit rows name nobody (list pages, searches,
 *   figures, logins), and each of them still put an entry in the index (GIN indexes an empty array).
 * - `fastupdate = off`: an entry goes straight into the index instead of a pending list. With the pending
 *   list (4 MB by default) every insert was cheap, but the insert that found it full moved the whole list
 *   into the index, ~50 ms or more under the lock, while every other request waited: at 16 connections that
 *   one stall was ~1% of the responses, the p99. Now each row that names people pays for its own entries.
 *
 * A query uses the index only when it says what the index holds: the auditors' search adds
 * `subject_ids <> '{}'` to its subject filter (AuditService).
 */
export class AuditSubjectsIndexPartial1795548000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_audit_event_subjects"`);
    await q.query(`CREATE INDEX "ix_audit_event_subjects" ON "audit_event" USING gin ("subject_ids")
      WITH (fastupdate = off) WHERE "subject_ids" <> '{}'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_audit_event_subjects"`);
    await q.query(`CREATE INDEX "ix_audit_event_subjects" ON "audit_event" USING gin ("subject_ids")`);
  }
}
