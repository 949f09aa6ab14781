import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One PostgreSQL type for the national corruption categories (domain.md), shared by intelligence reports and
 * cases, as the code has one enum (CorruptionCategory): `intelligence_category` and `case_category` held the
 * same values twice.
 */
export class OneCorruptionCategoryType1795544000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await this.retype(q, 'corruption_category', 'intelligence_category', 'case_category');
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."corruption_category" RENAME TO "intelligence_category"`);
    await q.query(`CREATE TYPE "public"."case_category" AS ENUM(${VALUES.map((v) => `'${v}'`).join(', ')})`);
    await q.query(`ALTER TABLE "case_record"
      ALTER COLUMN "primary_category" TYPE "public"."case_category" USING primary_category::text::case_category,
      ALTER COLUMN "categories" TYPE "public"."case_category"[] USING categories::text[]::case_category[]`);
  }

  private async retype(q: QueryRunner, to: string, from: string, other: string): Promise<void> {
    // The intelligence type becomes the shared one (no rewrite of the million-row table); cases move onto it.
    await q.query(`ALTER TYPE "public"."${from}" RENAME TO "${to}"`);
    await q.query(`ALTER TABLE "case_record"
      ALTER COLUMN "primary_category" TYPE "public"."${to}" USING primary_category::text::${to},
      ALTER COLUMN "categories" TYPE "public"."${to}"[] USING categories::text[]::${to}[]`);
    await q.query(`DROP TYPE "public"."${other}"`);
  }
}

const VALUES = [
  'abuse_of_position_sexual',
  'infiltration',
  'disclosure_of_information',
  'perverting_justice',
  'sexual_misconduct',
  'drugs',
  'theft_fraud',
  'misuse_of_systems',
  'abuse_of_authority',
  'inappropriate_association',
  'vulnerability',
  'assisting_offenders',
  'other',
];
