import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, first } from '../../database/sql.js';
import { concernsSql, RecordKind } from '../access/access.policy.js';

/** A case found by its reference, with the members it concerns (the caller applies the policy to them). */
@Injectable()
export class CaseReferencesRepository {
  byReference(tx: EntityManager, reference: string) {
    // access: by reference; the caller answers a hidden case exactly like a missing one (mayConcern on `members`).
    return first(
      tx,
      db
        .selectFrom('case_record as r')
        .select([
          'r.id',
          'r.reference',
          sql<string[]>`${sql.raw(concernsSql(RecordKind.Case, 'r'))}::text[]`.as('members'),
        ])
        .where('r.reference', '=', reference),
    );
  }
}
