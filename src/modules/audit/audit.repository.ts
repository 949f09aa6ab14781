import { Injectable } from '@nestjs/common';
import { type Expression, type InsertQueryBuilder, type InsertResult, type Selectable, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import type { AuditEvent, DB } from '../../database/db.js';
import { all, db, one, type Placeholders } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { type AuditEntry, AuditOutcome } from './audit.types.js';
import type { AuditQuery } from './dto/audit.dto.js';

/** An audit row's insert, to run on its own, in a unit of work, or as a data-modifying CTE of a change. */
export type AuditInsert = InsertQueryBuilder<DB, 'audit_event_pending', InsertResult>;

/**
 * Where an audit row written by the change's own statement takes what only that statement knows: the CTE
 * that RETURNs the changed row (exactly one), the resource id and, optionally, a jsonb object merged into the
 * entry's details (both expressions over that CTE, e.g. `sql.ref('created.id')`).
 */
export interface AuditFrom {
  cte: string;
  resourceId: Expression<unknown>;
  details?: Expression<unknown>;
}

/** The values of an audit row written by the change's own statement (`insertFrom`), named apart from the change's. */
export interface AuditValues {
  auditUserId: string | null;
  auditRoles: string[];
  auditAction: string;
  auditResourceType: string;
  auditSubjectIds: string[];
  auditOutcome: AuditOutcome;
  auditRequestId: string;
  auditClientAddress: string | null;
  /** The entry's details as JSON text. */
  auditDetails: string;
}

/** The columns every audit insert fills, in this order (the order of AUDIT_INSERT_SQL's ten parameters). */
const COLUMNS = [
  'user_id',
  'roles',
  'action',
  'resource_type',
  'resource_id',
  'subject_ids',
  'outcome',
  'request_id',
  'client_address',
  'details',
] as const;

/** An ISO instant as sent, compared by PostgreSQL as timestamptz (microseconds kept). */
const instant = (iso: string) => sql<Date>`${iso}`;

const BY_SEQ_DESC: Keyset = { columns: [{ expr: 'e.seq', type: 'bigint' }], direction: 'DESC' };

/** The audit trail's SQL: the insert (on its own or as a CTE), the auditors' search, the chain's checks. */
@Injectable()
export class AuditRepository {
  /**
   * The audit row's insert. It goes to audit_event_pending, and a deferred trigger seals it into the chain
   * (audit_event: next seq, link, hash, under the chain's lock) when the transaction commits, so the lock is
   * held only for the commit itself (migration 1795547000000).
   */
  insert(actor: Actor, entry: AuditEntry): AuditInsert {
    const v = this.valuesOf(actor, entry);
    return db.insertInto('audit_event_pending').values({
      user_id: v.auditUserId,
      roles: v.auditRoles,
      action: v.auditAction,
      resource_type: v.auditResourceType,
      resource_id: entry.resourceId ?? null,
      subject_ids: v.auditSubjectIds,
      outcome: v.auditOutcome,
      request_id: v.auditRequestId,
      client_address: v.auditClientAddress,
      details: v.auditDetails,
    });
  }

  /**
   * The same row as a SELECT from the change's CTE `by.cte`: a data-modifying CTE of the change's statement,
   * its values placeholders of a `fixedStatement` (bound from `valuesOf`).
   */
  insertFrom(p: Placeholders<AuditValues>, by: AuditFrom): AuditInsert {
    const details = sql`${p.auditDetails}::jsonb`;
    return db
      .insertInto('audit_event_pending')
      .columns(COLUMNS)
      .expression(
        sql`SELECT ${p.auditUserId}::uuid, ${p.auditRoles}::text[], ${p.auditAction}, ${p.auditResourceType},
                   (${by.resourceId})::text, ${p.auditSubjectIds}::uuid[],
                   ${p.auditOutcome}::audit_outcome, ${p.auditRequestId},
                   ${p.auditClientAddress}, ${by.details ? sql`${details} || (${by.details})` : details}
              FROM ${sql.table(by.cte)}`,
      );
  }

  /** An audit row's values for this actor and entry, with their defaults (`insert`; `insertFrom`'s placeholders). */
  valuesOf(actor: Actor, entry: AuditEntry): AuditValues {
    return {
      auditUserId: actor.userId,
      auditRoles: actor.roles,
      auditAction: entry.action,
      auditResourceType: entry.resourceType,
      auditSubjectIds: entry.subjectIds ?? [],
      auditOutcome: entry.outcome ?? AuditOutcome.Allowed,
      auditRequestId: actor.requestId,
      auditClientAddress: actor.clientAddress,
      auditDetails: JSON.stringify(entry.details ?? {}),
    };
  }

  /** The events matching the auditors' filter that the actor may see, newest first, one page. */
  search<R>(tx: EntityManager, actor: Actor, q: AuditQuery, map: (row: AuditRow) => R): Promise<Page<R>> {
    return pageOf(tx, this.filtered(actor, q), BY_SEQ_DESC, q, map);
  }

  /** Every event matching the filter that the actor may see, newest first, at most `limit`. */
  export(tx: EntityManager, actor: Actor, q: AuditQuery, limit: number): Promise<AuditRow[]> {
    return all(tx, this.filtered(actor, q).orderBy('e.seq', 'desc').limit(limit));
  }

  /** The first link of the hash chain that fails (audit_verify()), if any. */
  async firstFailure(tx: EntityManager): Promise<ChainFailure | undefined> {
    const [failure] = await all(
      tx,
      sql<ChainFailure>`SELECT seq::text AS seq, problem FROM audit_verify()`.compile(db),
    );
    return failure;
  }

  /** How many events the chain holds. */
  async count(tx: EntityManager): Promise<number> {
    const { count } = await one(
      tx,
      db.selectFrom('audit_event').select((eb) => eb.fn.countAll<string>().as('count')),
    );
    return Number(count);
  }

  /** Moves the subject index's pending entries into the index; the number of pending pages it emptied. */
  async flushSubjectIndex(tx: EntityManager): Promise<number> {
    const { pages } = await one(
      tx,
      sql<{ pages: string }>`SELECT audit_subjects_flush()::text AS pages`.compile(db),
    );
    return Number(pages);
  }

  private filtered(actor: Actor, q: AuditQuery) {
    let query = db
      .selectFrom('audit_event as e')
      .select([
        'e.seq',
        'e.occurred_at',
        'e.user_id',
        'e.roles',
        'e.action',
        'e.resource_type',
        'e.resource_id',
        'e.subject_ids',
        'e.outcome',
        'e.request_id',
        'e.client_address',
        'e.details',
      ])
      .where(visibleTo(actor, RecordKind.AuditEvent, 'e').expr());
    if (q.userId) query = query.where('e.user_id', '=', q.userId);
    if (q.resourceType) query = query.where('e.resource_type', '=', q.resourceType);
    if (q.resourceId) query = query.where('e.resource_id', '=', q.resourceId);
    if (q.workforceMemberId) {
      // `<> '{}'` is what the index on subject_ids holds (rows naming somebody): without it, it is not used.
      query = query.where(
        sql<boolean>`e.subject_ids @> ARRAY[${q.workforceMemberId}::uuid] AND e.subject_ids <> '{}'`,
      );
    }
    if (q.action) query = query.where('e.action', '=', q.action);
    if (q.outcome) query = query.where('e.outcome', '=', q.outcome);
    if (q.from) query = query.where('e.occurred_at', '>=', instant(q.from));
    if (q.to) query = query.where('e.occurred_at', '<', instant(q.to));
    return query;
  }
}

/** One event as the search reads it (all but the chain's link and hash). */
export type AuditRow = Omit<Selectable<AuditEvent>, 'hash' | 'prev_hash'>;

export interface ChainFailure {
  seq: string;
  problem: 'missing' | 'broken_link' | 'altered';
}
