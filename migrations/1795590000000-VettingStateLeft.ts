import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leavers are `left` (issue 26), a vetting state of its own rather than `below_required`: the value is added
 * here, alone, because PostgreSQL lets a new enum value be used only once the transaction adding it has
 * committed; vetting_states_at uses it from migration 1795590000200 on. Not removed by `down` (PostgreSQL
 * cannot drop an enum value).
 */
export class VettingStateLeft1795590000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."vetting_state" ADD VALUE IF NOT EXISTS 'left' BEFORE 'up_to_date'`);
  }

  public async down(): Promise<void> {
    // An enum value cannot be dropped; vetting_states_at's previous definition no longer produces it.
  }
}
