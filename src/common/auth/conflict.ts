import type { Actor } from './actor.js';

/**
 * The conflict-of-interest rule, in one place: a user linked to workforce member W never sees a record
 * that concerns W. Every module's queries call this with the table that links its records to the
 * workforce members they concern; a record hidden by it answers 404 exactly as one that does not exist.
 *
 * Returns an SQL condition on `alias` (true when the actor has no workforce link) and its parameters,
 * named so that it can sit beside the query's own (TypeORM `:name` parameters).
 */
export function notAboutActor(
  actor: Actor,
  link: { table: string; recordColumn: string; alias: string; memberColumn?: string },
): { sql: string; params: Record<string, string> } {
  if (!actor.workforceMemberId) return { sql: 'TRUE', params: {} };
  const member = link.memberColumn ?? 'workforce_member_id';
  return {
    sql: `NOT EXISTS (SELECT 1 FROM ${link.table} coi WHERE coi.${link.recordColumn} = ${link.alias}.id AND coi.${member} = :coiMember)`,
    params: { coiMember: actor.workforceMemberId },
  };
}

/** For records that are about one person directly (a profile, a clearance): may the actor see them? */
export const mayConcern = (actor: Actor, workforceMemberIds: string[]): boolean =>
  !actor.workforceMemberId || !workforceMemberIds.includes(actor.workforceMemberId);
