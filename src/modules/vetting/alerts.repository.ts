import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import { affected, all, db, first, one } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { AlertQuery, AlertView } from './dto/vetting.dto.js';
import { AlertKind, type AlertSource, AlertStatus } from './vetting.enums.js';
import { vettingStatesAt } from './vetting.repository.js';

/** Most urgent first: the earliest due date (expired clearances are due in the past), then id. */
const BY_DUE: Keyset = {
  columns: [
    { expr: 'a.due_on', type: 'date' },
    { expr: 'a.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * An alert with its person's name and department: the alert queue shows, filters and pages by them in one
 * statement.
 */
const alerts = () =>
  db
    .selectFrom('vetting_alert as a')
    // reads workforce_member: the queue filters and pages alerts by the person's department in one statement
    .innerJoin('workforce_member as w', 'w.id', 'a.workforce_member_id')
    .select([
      'a.id',
      'a.kind',
      'a.status',
      'a.workforce_member_id',
      'w.staff_number',
      'w.given_name',
      'w.family_name',
      'w.department_id',
      'a.clearance_id',
      'a.level',
      sql<string>`a.due_on::text`.as('due_on'),
      'a.source_type',
      'a.source_id',
      'a.raised_at',
      'a.acknowledged_at',
      'a.acknowledged_by',
      'a.resolved_at',
      'a.resolved_by',
      'a.resolution_reason',
      sql<string | null>`a.review_by::text`.as('review_by'),
      'a.version',
    ]);

type AlertRow = Awaited<ReturnType<ReturnType<typeof alerts>['executeTakeFirstOrThrow']>>;

/** The view without names (AlertsService names the department and the users, one lookup each per page). */
const toView = (r: AlertRow): AlertView => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  workforceMember: {
    id: r.workforce_member_id,
    staffNumber: r.staff_number,
    givenName: r.given_name,
    familyName: r.family_name,
    departmentId: r.department_id,
    departmentName: null,
  },
  clearanceId: r.clearance_id,
  level: r.level,
  dueOn: r.due_on,
  sourceType: r.source_type,
  sourceId: r.source_id,
  raisedAt: r.raised_at.toISOString(),
  acknowledgedAt: iso(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  acknowledgedByName: null,
  resolvedAt: iso(r.resolved_at),
  resolvedBy: r.resolved_by,
  resolvedByName: null,
  resolutionReason: r.resolution_reason,
  reviewBy: r.review_by,
  version: r.version,
});

/** The vetting alerts' SQL. */
@Injectable()
export class AlertsRepository {
  /**
   * A review_required alert for `source`, raised once (a retry raises nothing twice): the id of the one raised
   * now or before. Its outbox message is written by the same statement (trigger).
   */
  async raiseReviewRequired(
    tx: EntityManager,
    memberId: string,
    dueOn: string,
    source: { type: AlertSource; id: string },
  ): Promise<string> {
    const row = await one(
      tx,
      db
        .with('raised', (q) =>
          q
            .insertInto('vetting_alert')
            .values({
              workforce_member_id: memberId,
              kind: AlertKind.ReviewRequired,
              due_on: dueOn,
              source_type: source.type,
              source_id: source.id,
            })
            .onConflict((oc) => oc.doNothing())
            .returning('id'),
        )
        .selectFrom('raised')
        .select('id')
        .unionAll(
          db
            .selectFrom('vetting_alert')
            .select('id')
            .where('source_type', '=', source.type)
            .where('source_id', '=', source.id),
        )
        .limit(1),
    );
    return row.id;
  }

  /** A page of the alerts the actor may see, by the query's filters (unresolved ones unless a status is asked). */
  page(tx: EntityManager, actor: Actor, query: AlertQuery): Promise<Page<AlertView>> {
    let q = alerts().where(visibleTo(actor, RecordKind.Alert, 'a').expr());
    q = query.status
      ? q.where('a.status', '=', query.status)
      : q.where('a.status', '<>', AlertStatus.Resolved);
    if (query.kind) q = q.where('a.kind', '=', query.kind);
    if (query.level) q = q.where('a.level', '=', query.level);
    if (query.departmentId) q = q.where('w.department_id', '=', query.departmentId);
    if (query.workforceMemberId) q = q.where('a.workforce_member_id', '=', query.workforceMemberId);
    if (query.dueBefore) q = q.where(sql<boolean>`a.due_on < ${query.dueBefore}::date`);
    return pageOf(tx, q, BY_DUE, query, toView);
  }

  /** A person's alerts that are not resolved, most urgent first. */
  async openFor(tx: EntityManager, memberId: string): Promise<AlertView[]> {
    const rows = await all(
      tx,
      alerts()
        .where('a.workforce_member_id', '=', memberId)
        .where('a.status', '<>', AlertStatus.Resolved)
        .orderBy('a.due_on')
        .orderBy('a.id'),
    );
    return rows.map(toView);
  }

  /** The alert by id (the caller has checked the actor may see it). */
  async load(tx: EntityManager, id: string): Promise<AlertView | undefined> {
    const row = await first(tx, alerts().where('a.id', '=', id));
    return row && toView(row);
  }

  /** Acknowledges an open alert at `version`; false when it is not (any more) open at that version. */
  async acknowledge(tx: EntityManager, id: string, version: number, by: string | null): Promise<boolean> {
    const n = await affected(
      tx,
      db
        .updateTable('vetting_alert')
        .set((eb) => ({
          status: AlertStatus.Acknowledged,
          acknowledged_at: sql<Date>`now()`,
          acknowledged_by: by,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '=', AlertStatus.Open),
    );
    return n > 0;
  }

  /** Resolves an unresolved alert at `version`; false when it is resolved or at another version. */
  async resolve(
    tx: EntityManager,
    id: string,
    version: number,
    by: string | null,
    reason: string,
    reviewBy: string | null,
  ): Promise<boolean> {
    const n = await affected(
      tx,
      db
        .updateTable('vetting_alert')
        .set((eb) => ({
          status: AlertStatus.Resolved,
          resolved_at: sql<Date>`now()`,
          resolved_by: by,
          resolution_reason: reason,
          review_by: reviewBy,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '<>', AlertStatus.Resolved),
    );
    return n > 0;
  }

  /**
   * Whether the person's vetting state on `today` still is `kind` (a sweep kind), on that clearance unless the
   * kind is below_required: the sweep would raise the alert again.
   */
  async stateHolds(
    tx: EntityManager,
    today: string,
    memberId: string,
    kind: AlertKind,
    clearanceId: string | null,
  ): Promise<boolean> {
    let q = db
      .selectFrom(vettingStatesAt(today).as('s'))
      .select(sql<number>`1`.as('one'))
      .where('s.workforce_member_id', '=', memberId)
      .where('s.is_current', '=', true)
      .where(sql<boolean>`s.state::text = ${kind}`);
    if (kind !== AlertKind.BelowRequired) q = q.where(sql<boolean>`s.clearance_id = ${clearanceId}::uuid`);
    return (await first(tx, q)) !== undefined;
  }
}
