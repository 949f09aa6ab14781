import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue summary, the intelligence figures and the vetting sweep read covering indexes with index-only
 * scans, which skip the table only for pages the visibility map marks all-visible, and only VACUUM marks
 * them. With PostgreSQL's defaults a table is vacuumed after changes to 20% of its rows (and inserts to
 * 20%): for a force's 1,000,000 intelligence reports, 200,000 reports — years of a unit's work — during
 * which every new or updated report costs the index-only scans a heap visit.
 *
 * Measured on the bench's data (1M reports, ~19,000 recorded or moved in the queue since the last vacuum):
 * the queue summary read 38,000 heap pages it would otherwise have skipped and took 170–270 ms; after a
 * VACUUM, 90 ms with no heap fetches. These tables are now vacuumed (and analysed) after 1% of their rows
 * change or arrive, ~10,000 at that size, well within what autovacuum does in seconds.
 */
const TABLES = ['intelligence_report', 'vetting_clearance'];

export class AutovacuumForIndexOnlyScans1795549000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`ALTER TABLE "${table}" SET (autovacuum_vacuum_scale_factor = 0.01,
        autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01)`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`ALTER TABLE "${table}" RESET (autovacuum_vacuum_scale_factor,
        autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)`);
    }
  }
}
