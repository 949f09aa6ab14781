import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The GIN index on `audit_event.subject_ids` ("who looked at anything about this person") is updated when a
 * row is sealed into the chain, under the chain's lock (migration 1795547000000), so whatever it costs there
 * every audited request in the force waits for.
 *
 * - It now holds only the rows that name somebody. Most audit rows name nobody (list pages, searches,
 *   figures, logins), and each of them still put an entry in the index (GIN indexes an empty array): ~2.5 µs
 *   a row, and the bulk of the entries.
 * - `fastupdate = off`: an entry goes straight into the index instead of a pending list. With the pending
 *   list (4 MB by default) the insert that found it full moved the whole list into the index under the lock
 *   while every other audited request waited: in `npm run bench` it filled every ~12 s under load, and
 *   moving ~100,000 pending entries took ~10 ms. Now each row that names people pays for its own entries
 *   (an audit row naming 4,000 people seals in about the same time either way, 23–33 ms on a slow machine:
 *   its digest and the row weigh more).
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
