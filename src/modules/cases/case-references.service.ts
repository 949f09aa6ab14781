import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { all, db } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';

/**
 * Cases as other modules may point at them (intelligence's referred case): only those the caller may see,
 * so that nothing hidden is referenced in what they can see.
 */
@Injectable()
export class CaseReferences {
  /** The reference of each of `caseIds` that is a case the actor may see (hidden and missing ones left out). */
  async references(
    tx: EntityManager,
    actor: Actor,
    caseIds: readonly string[],
  ): Promise<Map<string, string>> {
    if (caseIds.length === 0) return new Map();
    const rows = await all(
      tx,
      db
        .selectFrom('case_record as c')
        .select(['c.id', 'c.reference'])
        .where('c.id', 'in', [...new Set(caseIds)])
        .where(visibleTo(actor, RecordKind.Case, 'c').expr()),
    );
    return new Map(rows.map((r) => [r.id, r.reference]));
  }
}
