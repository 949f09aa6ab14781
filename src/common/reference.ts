import { randomInt } from 'node:crypto';

/**
 * Human references of records (`INT-2026-7K3QZD`, `CASE-2026-M4X9TB`): a prefix, the year, and six characters
 * of Crockford's base32 (digits and capitals without I, L, O, U: nothing to misread aloud or on paper) drawn at
 * random. Short, readable and unique per year (a unique index on the reference; an insert that meets a taken
 * one draws again), and, unlike the gap-free counters they replace (`INT-2026-001857`), they reveal neither how
 * many records exist nor which are missing: a user who sees every report but those about themselves cannot list
 * the numbers in between (issue 22). 32^6 ≈ 1.07 billion per prefix and year; at 100,000 a year a draw meets a
 * taken code about once in 10,000. References recorded before the change keep their old form.
 */
export const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_CODE_LENGTH = 6;
/** How many draws an insert makes before giving up (a taken code is ~1 in 10,000). */
export const REFERENCE_ATTEMPTS = 8;

export type ReferencePrefix = 'INT' | 'CASE';

/** A fresh random reference (from the operating system's CSPRNG). */
export function randomReference(prefix: ReferencePrefix, year: number): string {
  let code = '';
  for (let i = 0; i < REFERENCE_CODE_LENGTH; i++) code += REFERENCE_ALPHABET[randomInt(32)];
  return `${prefix}-${year}-${code}`;
}

/** The new form, for tests and validation: `INT-2026-7K3QZD`. */
export const referencePattern = (prefix: ReferencePrefix): RegExp =>
  new RegExp(`^${prefix}-\\d{4}-[${REFERENCE_ALPHABET}]{${REFERENCE_CODE_LENGTH}}$`);
