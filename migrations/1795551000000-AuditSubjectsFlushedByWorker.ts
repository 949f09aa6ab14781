import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit subject index (GIN on `audit_event.subject_ids`, rows naming somebody) takes new entries into
 * its pending list again (`fastupdate`), and the worker moves the list into the index every few seconds
 * (`audit_subjects_flush`, job `audit-subjects-flush`), outside the chain's lock.
 *
 * Migration 1795548000000 turned the pending list off because the insert that found it full (4 MB) moved it
 * into the index itself, under the chain's lock, while every audited request in the force waited (~10 ms
 * every ~12 s under the bench's load). Without it each row pays for its entries under the lock, which is
 * cheap for a row naming one person and not for a misconduct return naming ~3,800 (bench data): 3,900 GIN
 * records, 1.2–3.7 MB of WAL and 7–40 ms under the lock (more as the people's posting lists grow), against
 * 82 records, 160 KB and ~4 ms into the pending list. Flushed by the worker, the list stays far below its
 * limit, so no request flushes it; if the worker stops, the inserts flush it as before, never worse.
 * `gin_clean_pending_list` needs the index's owner: the function runs as its definer, and the app role may
 * only execute it.
 */
export class AuditSubjectsFlushedByWorker1795551000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit_subjects_flush() RETURNS bigint
      LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        SELECT gin_clean_pending_list('ix_audit_event_subjects'::regclass)
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit_subjects_flush() FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION audit_subjects_flush() TO lantern_app`);
    await q.query(`ALTER INDEX "ix_audit_event_subjects" SET (fastupdate = on)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX "ix_audit_event_subjects" SET (fastupdate = off)`);
    // Turning the list off does not empty it.
    await q.query(`SELECT gin_clean_pending_list('ix_audit_event_subjects'::regclass)`);
    await q.query(`DROP FUNCTION audit_subjects_flush()`);
  }
}
