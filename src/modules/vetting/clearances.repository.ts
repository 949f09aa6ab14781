import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { type Keyset, type Page, pageOf, type PageQuery } from '../../common/pagination.js';
import { all, db, execute, first, one } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { DeclaredAssociate } from './declared-associations.port.js';
import type { ClearanceView, DeclarationRequest, DeclarationView } from './dto/vetting.dto.js';
import { AlertSource, type ClearanceStatus, type VettingLevel } from './vetting.enums.js';

/** A clearance as stored, with its status on a date; its renewal date is the rules' (the service adds it). */
export type ClearanceRecord = Omit<ClearanceView, 'renewalDueFrom'>;

const BY_GRANT_DESC: Keyset = {
  columns: [
    { expr: 'c.granted_on', type: 'date' },
    { expr: 'c.id', type: 'uuid' },
  ],
  direction: 'DESC',
};
const DECLARATIONS_DESC: Keyset = {
  columns: [
    { expr: 'd.recorded_at', type: 'timestamptz' },
    { expr: 'd.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/** Clearances with their status on `today` (vetting_clearance_status, the one place it is computed). */
const clearances = (today: string) =>
  db
    .selectFrom('vetting_clearance as c')
    .select([
      'c.id',
      'c.workforce_member_id',
      'c.level',
      sql<string>`c.granted_on::text`.as('granted_on'),
      sql<string>`c.expires_on::text`.as('expires_on'),
      sql<string | null>`c.superseded_on::text`.as('superseded_on'),
      'c.superseded_by_id',
      sql<string | null>`c.withdrawn_on::text`.as('withdrawn_on'),
      'c.withdrawal_reason',
      'c.recorded_by',
      'c.recorded_at',
      'c.version',
      sql<ClearanceStatus>`vetting_clearance_status(c.expires_on, c.superseded_on, c.withdrawn_on, ${today}::date)`.as(
        'status',
      ),
    ]);

type ClearanceRow = Awaited<ReturnType<ReturnType<typeof clearances>['executeTakeFirstOrThrow']>>;

const toClearance = (r: ClearanceRow): ClearanceRecord => ({
  id: r.id,
  workforceMemberId: r.workforce_member_id,
  level: r.level,
  grantedOn: r.granted_on,
  expiresOn: r.expires_on,
  status: r.status,
  supersededOn: r.superseded_on,
  supersededById: r.superseded_by_id,
  withdrawnOn: r.withdrawn_on,
  withdrawalReason: r.withdrawal_reason,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
  version: r.version,
});

interface DeclarationRow {
  id: string;
  workforce_member_id: string;
  category: DeclarationView['category'];
  declared_on: string;
  description: string;
  associates: DeclaredAssociate[];
  recorded_by: string | null;
  recorded_at: Date;
}

/** A declaration; the id of the alert it raised is added by who knows it. */
export type DeclarationRecord = Omit<DeclarationView, 'alertId'>;

const toDeclaration = (r: DeclarationRow): DeclarationRecord => ({
  id: r.id,
  workforceMemberId: r.workforce_member_id,
  category: r.category,
  declaredOn: r.declared_on,
  description: r.description,
  associates: r.associates.map((a) => ({
    name: a.name,
    dateOfBirth: a.dateOfBirth,
    personRefs: [...a.personRefs],
  })),
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

/** Clearances' and declarations' SQL. */
@Injectable()
export class ClearancesRepository {
  async load(tx: EntityManager, id: string, today: string): Promise<ClearanceRecord | undefined> {
    const row = await first(tx, clearances(today).where('c.id', '=', id));
    return row && toClearance(row);
  }

  /** A page of the person's clearances the actor may see, newest grant first. */
  page(
    tx: EntityManager,
    actor: Actor,
    memberId: string,
    today: string,
    query: PageQuery,
  ): Promise<Page<ClearanceRecord>> {
    const q = clearances(today)
      .where('c.workforce_member_id', '=', memberId)
      .where(visibleTo(actor, RecordKind.Clearance, 'c').expr());
    return pageOf(tx, q, BY_GRANT_DESC, query, toClearance);
  }

  /** A current clearance of the person in `levels` granted after `grantedOn`, if any. */
  async newerCurrent(
    tx: EntityManager,
    memberId: string,
    levels: VettingLevel[],
    grantedOn: string,
  ): Promise<string | undefined> {
    const row = await first(
      tx,
      db
        .selectFrom('vetting_clearance')
        .select('id')
        .where('workforce_member_id', '=', memberId)
        .where('level', 'in', levels)
        .where('superseded_on', 'is', null)
        .where('withdrawn_on', 'is', null)
        .where('granted_on', '>', sql<Date>`${grantedOn}::date`)
        .limit(1),
    );
    return row?.id;
  }

  async insert(
    tx: EntityManager,
    clearance: {
      id: string;
      memberId: string;
      level: VettingLevel;
      grantedOn: string;
      expiresOn: string;
      recordedBy: string | null;
    },
  ): Promise<void> {
    await execute(
      tx,
      db.insertInto('vetting_clearance').values({
        id: clearance.id,
        workforce_member_id: clearance.memberId,
        level: clearance.level,
        granted_on: clearance.grantedOn,
        expires_on: clearance.expiresOn,
        recorded_by: clearance.recordedBy,
      }),
    );
  }

  /** Supersedes, on `on`, the person's other current clearances in `levels` by `by`; their ids. */
  async supersede(
    tx: EntityManager,
    memberId: string,
    levels: VettingLevel[],
    on: string,
    by: string,
  ): Promise<string[]> {
    const rows = await all(
      tx,
      db
        .updateTable('vetting_clearance')
        .set((eb) => ({ superseded_on: on, superseded_by_id: by, version: eb('version', '+', 1) }))
        .where('workforce_member_id', '=', memberId)
        .where('level', 'in', levels)
        .where('id', '<>', by)
        .where('superseded_on', 'is', null)
        .where('withdrawn_on', 'is', null)
        .returning('id'),
    );
    return rows.map((r) => r.id);
  }

  /** Withdraws a current clearance at `version`; false when it has ended or is at another version. */
  async withdraw(
    tx: EntityManager,
    id: string,
    version: number,
    on: string,
    reason: string,
  ): Promise<boolean> {
    const { count } = await execute(
      tx,
      db
        .updateTable('vetting_clearance')
        .set((eb) => ({ withdrawn_on: on, withdrawal_reason: reason, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', version)
        .where('withdrawn_on', 'is', null)
        .where('superseded_on', 'is', null),
    );
    return count > 0;
  }

  // ---------- declarations ----------

  /** Records a declaration (its alert is the caller's to raise, in the same transaction). */
  async insertDeclaration(
    tx: EntityManager,
    memberId: string,
    body: DeclarationRequest,
    associates: readonly DeclaredAssociate[],
    recordedBy: string | null,
  ): Promise<DeclarationRecord> {
    const row = await one(
      tx,
      db
        .insertInto('vetting_declaration')
        .values({
          workforce_member_id: memberId,
          category: body.category,
          declared_on: body.declaredOn,
          description: body.description,
          associates: JSON.stringify(associates),
          recorded_by: recordedBy,
        })
        .returning([
          'id',
          'workforce_member_id',
          'category',
          sql<string>`declared_on::text`.as('declared_on'),
          'description',
          sql<DeclaredAssociate[]>`associates`.as('associates'),
          'recorded_by',
          'recorded_at',
        ]),
    );
    return toDeclaration(row);
  }

  /** A page of the person's declarations the actor may see, newest first, each with the alert it raised. */
  pageDeclarations(
    tx: EntityManager,
    actor: Actor,
    memberId: string,
    query: PageQuery,
  ): Promise<Page<DeclarationView>> {
    const q = db
      .selectFrom('vetting_declaration as d')
      .leftJoin('vetting_alert as a', (j) =>
        j.on('a.source_type', '=', AlertSource.Declaration).onRef('a.source_id', '=', 'd.id'),
      )
      .select([
        'd.id',
        'd.workforce_member_id',
        'd.category',
        sql<string>`d.declared_on::text`.as('declared_on'),
        'd.description',
        sql<DeclaredAssociate[]>`d.associates`.as('associates'),
        'd.recorded_by',
        'd.recorded_at',
        // Every declaration raised its alert in its own transaction (raiseReviewRequired).
        sql<string>`a.id`.as('alert_id'),
      ])
      .where('d.workforce_member_id', '=', memberId)
      .where(visibleTo(actor, RecordKind.Declaration, 'd').expr());
    return pageOf(tx, q, DECLARATIONS_DESC, query, (r) => ({
      ...toDeclaration(r),
      alertId: r.alert_id,
    }));
  }
}
