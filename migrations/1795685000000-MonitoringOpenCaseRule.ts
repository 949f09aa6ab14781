import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 29, the open-CCU-case rule: a new value of `monitoring_rule_code`. On its own migration because
 * PostgreSQL does not let a transaction use an enum value it added (the migrations run one transaction each);
 * the rule's row is inserted by the next migration.
 */
export class MonitoringOpenCaseRule1795685000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."monitoring_rule_code" ADD VALUE IF NOT EXISTS 'open_case_lookup'`);
  }

  public async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value; the next migration's down removes the rule's row and flags.
  }
}
