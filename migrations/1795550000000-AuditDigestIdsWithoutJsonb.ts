import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's digest hashes the same bytes as before, made more cheaply. A row is sealed under the
 * chain's lock, so every audited request in the force waits while it is hashed, and the cost grew with the
 * people the row names: a misconduct return naming 4,000 people spent 17–20 ms of its seal in the digest
 * (perf on the bench's data: `jsonb_build_array` turning each uuid into text through a fresh 1 KB buffer it
 * keeps until the end, 4 MB of new memory a row, a third of it page faults). The ids are now written by
 * `array_to_json`, which frees each uuid's text as it goes, with jsonb's ", " between them (a uuid's text
 * never holds `","`); the rest of the row is still written by `jsonb_build_array`. The text is byte for byte
 * what `jsonb_build_array(…all twelve…)::text` gives (checked on 300,000 rows of the bench's trail, and by a
 * test against the first definition), so every stored hash still verifies and the chain needs no version.
 * Sealing that row (pgbench, the same 4,000 people each time): 40–43 ms → 28–30 ms here; most of the rest
 * is its GIN entries.
 *
 * `subject_ids` is also stored without compression (STORAGE EXTERNAL, in the trail and its pending table):
 * random uuids do not compress, and a long array was run through pglz on both inserts for nothing.
 */
const V1_TEXT = `jsonb_build_array(
          e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.user_id, e.roles,
          e.action, e.resource_type, e.resource_id, e.subject_ids, e.outcome, e.request_id, e.client_address,
          e.details)::text`;

/** The same text as V1_TEXT: the array split after resource_id and before outcome, the ids spliced in. */
const DIGEST_TEXT = `left(jsonb_build_array(
          e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.user_id, e.roles,
          e.action, e.resource_type, e.resource_id)::text, -1)
        || ', ' || COALESCE(replace(array_to_json(e.subject_ids)::text, '","', '", "'), 'null') || ', '
        || substr(jsonb_build_array(e.outcome, e.request_id, e.client_address, e.details)::text, 2)`;

const digest = (
  text: string,
): string => `CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event) RETURNS bytea
      LANGUAGE sql IMMUTABLE AS $$
        SELECT sha256(e.prev_hash || convert_to(${text}, 'UTF8'))
      $$`;

const TABLES = ['audit_event', 'audit_event_pending'];

export class AuditDigestIdsWithoutJsonb1795550000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(digest(DIGEST_TEXT));
    for (const table of TABLES) {
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "subject_ids" SET STORAGE EXTERNAL`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "subject_ids" SET STORAGE EXTENDED`);
    }
    await q.query(digest(V1_TEXT));
  }
}
