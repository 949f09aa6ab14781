import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 29:
 * - the rule `open_case_lookup` (disabled, as every rule starts): look-ups of the subject of an open CCU case by
 *   someone not on that case;
 * - vetting declarations carry the associates they declare (`vetting_declaration.associates`: name, date of
 *   birth, and the person references the force systems use), and `monitoring_declared_association` remembers
 *   which declaration each of its rows came from (filled through vetting's `DeclaredAssociations` port).
 */
export class MonitoringDeclaredAssociates1795685000001 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO monitoring_rule (code, thresholds, reason) VALUES
      ('open_case_lookup', '{"minEvents": 1}', 'Looked up records naming the subject of an open CCU case they are not working on')
      ON CONFLICT (code) DO NOTHING`);
    await q.query(`ALTER TABLE "vetting_declaration" ADD COLUMN "associates" jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE "monitoring_declared_association" ADD COLUMN "declaration_id" uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "monitoring_declared_association" DROP COLUMN "declaration_id"`);
    await q.query(`ALTER TABLE "vetting_declaration" DROP COLUMN "associates"`);
    await q.query(`DELETE FROM monitoring_flag WHERE rule_code = 'open_case_lookup'`);
    await q.query(`DELETE FROM monitoring_rule WHERE code = 'open_case_lookup'`);
  }
}
