import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * References that reveal nothing (issue 22): new intelligence reports and cases get `INT-<year>-<6 random
 * Crockford base32 characters>` / `CASE-<year>-…` (src/common/reference.ts), drawn by the application and
 * kept unique by the existing unique indexes on `reference` (a taken code is drawn again). The gap-free
 * counters go: a user who sees every report but those about themselves could list the missing numbers.
 * Existing rows keep their references; `case_record.reference_number` stays for them and is NULL for new
 * cases (its unique index with the year allows any number of NULLs). No database function or trigger ever
 * generated references: the counters were read by the services and the demo seeders only.
 */
export class RandomReferences1795552200000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "intelligence_reference_counter"`);
    await q.query(`DROP TABLE "case_reference_counter"`);
    await q.query(`ALTER TABLE "case_record" ALTER COLUMN "reference_number" DROP NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Cases recorded since get numbers after the year's last one, so that the column can be required again.
    await q.query(
      `UPDATE case_record c SET reference_number = n.number
         FROM (SELECT id, COALESCE(max(reference_number) OVER (PARTITION BY reference_year), 0)
                        + row_number() OVER (PARTITION BY reference_year, reference_number IS NULL ORDER BY recorded_at, id) AS number
                 FROM case_record) n
        WHERE n.id = c.id AND c.reference_number IS NULL`,
    );
    await q.query(`ALTER TABLE "case_record" ALTER COLUMN "reference_number" SET NOT NULL`);
    await q.query(
      `CREATE TABLE "case_reference_counter" ("year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_d968fa00d1db46027ab7577f424" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `INSERT INTO case_reference_counter (year, last_value)
       SELECT reference_year, max(reference_number) FROM case_record GROUP BY reference_year`,
    );
    await q.query(
      `CREATE TABLE "intelligence_reference_counter" ("year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "ck_intelligence_reference_counter_positive" CHECK (last_value > 0), CONSTRAINT "PK_93567feec5ee83c997229b8f538" PRIMARY KEY ("year"))`,
    );
    // Random references stay as they are; the counters continue after the largest numeric one of each year.
    await q.query(
      `INSERT INTO intelligence_reference_counter (year, last_value)
       SELECT substring(reference from 5 for 4)::int, max(substring(reference from 10)::int)
         FROM intelligence_report WHERE reference ~ '^INT-[0-9]{4}-[0-9]+$' GROUP BY 1`,
    );
  }
}
