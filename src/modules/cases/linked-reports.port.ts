import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';

/** What a case takes from the report referred to it by a review. */
export interface ReferralSnapshot {
  reference: string;
  primaryCategory: CorruptionCategory;
  secondaryCategories: CorruptionCategory[];
  /** The report's subjects (role `subject`), sorted. */
  subjectIds: string[];
}

/** A linked report as the case file lists it. */
export interface LinkedReportBrief {
  id: string;
  reference: string;
  state: string;
  primaryCategory: CorruptionCategory;
  receivedAt: Date;
}

/**
 * The intelligence reports a case links to, as cases may know them: through this port, implemented by the
 * intelligence module (which depends on cases, not the other way round) and bound globally, so that cases
 * reads no intelligence table and imports nothing from intelligence. Every method applies the access policy
 * where it says so.
 */
export abstract class LinkedReports {
  /** The report's snapshot for a referral, by id (the caller has checked it visible), or undefined. */
  abstract referralSnapshot(tx: EntityManager, reportId: string): Promise<ReferralSnapshot | undefined>;

  /** Those of `ids` that exist and that `actor` may see, in the order given, without duplicates. */
  abstract visibleIds(tx: EntityManager, actor: Actor, ids: readonly string[]): Promise<string[]>;

  /** Those of `ids` that exist and that `actor` may see, briefly, in the order given, without duplicates. */
  abstract visibleBriefs(
    tx: EntityManager,
    actor: Actor,
    ids: readonly string[],
  ): Promise<LinkedReportBrief[]>;

  /** For each of `ids` that exists: the case its review referred it to (null when none). No access check. */
  abstract referredCases(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string | null>>;
}
