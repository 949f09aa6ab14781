import { REFERENCE_ALPHABET, REFERENCE_CODE_LENGTH, type ReferencePrefix } from '../common/reference.js';

/* The demo's and bench's set-based reference generators: the product draws references in TypeScript. */

/** The six random characters as an SQL expression, evaluated per row (`random()`), for set-based generators. */
export const randomCodeSql = (): string =>
  Array.from(
    { length: REFERENCE_CODE_LENGTH },
    () => `substr('${REFERENCE_ALPHABET}', 1 + floor(random() * 32)::int, 1)`,
  ).join(' || ');

/** A random reference as an SQL expression (demo and bench generators; resolve collisions with dedupeReferencesSql). */
export const randomReferenceSql = (prefix: ReferencePrefix, yearSql: string): string =>
  `'${prefix}-' || ${yearSql} || '-' || ${randomCodeSql()}`;

/**
 * One statement for set-based generators: draws again, until none is left, the code of every row of `staging`
 * whose reference repeats another row's or is already taken in `target`. (Bulk loads cannot lean on the
 * unique index: the bench sets secondary indexes aside while seeding.)
 */
export const dedupeReferencesSql = (staging: string, key: string, target: string): string => `DO $dedupe$
  BEGIN
    LOOP
      UPDATE ${staging} d SET reference = left(d.reference, -${REFERENCE_CODE_LENGTH}) || ${randomCodeSql()}
       WHERE d.${key} IN (SELECT x.${key} FROM (SELECT s.${key}, row_number() OVER (PARTITION BY s.reference ORDER BY s.${key}) AS k
                                           FROM ${staging} s) x WHERE x.k > 1)
          OR EXISTS (SELECT 1 FROM ${target} t WHERE t.reference = d.reference);
      EXIT WHEN NOT FOUND;
    END LOOP;
  END $dedupe$`;
