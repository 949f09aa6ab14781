import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, first } from '../../database/sql.js';
import { concernsSql, RecordKind } from '../access/access.policy.js';

/** A report found by its reference, with the members it concerns (the caller applies the policy to them). */
@Injectable()
export class ReportReferencesRepository {
  byReference(tx: EntityManager, reference: string) {
    // access: by reference; the caller answers a hidden report exactly like a missing one (mayConcern on `members`).
    return first(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .select([
          'r.id',
          'r.reference',
          sql<string[]>`${sql.raw(concernsSql(RecordKind.IntelligenceReport, 'r'))}::text[]`.as('members'),
        ])
        .where('r.reference', '=', reference),
    );
  }
}
