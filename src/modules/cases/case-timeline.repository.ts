import { Injectable } from '@nestjs/common';
import { sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import { type Keyset, type Page, pageOf, type PageQuery } from '../../common/pagination.js';
import type { JsonObject } from '../../database/db.js';
import { all, db, one } from '../../database/sql.js';
import { CaseEventKind } from './cases.enums.js';

const OLDEST_FIRST: Keyset = {
  columns: [
    { expr: 'e.occurred_at', type: 'timestamptz' },
    { expr: 'e.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

const EVENT_COLUMNS = ['e.id', 'e.kind', 'e.occurred_at', 'e.actor_id', 'e.note'] as const;

export type CaseEventRow = Awaited<ReturnType<CaseTimelineRepository['event']>>;

/** The case's timeline (`case_event`): appended by every change, read oldest first. */
@Injectable()
export class CaseTimelineRepository {
  async append(
    tx: EntityManager,
    event: {
      caseId: string;
      kind: CaseEventKind;
      actorId: string | null;
      details: JsonObject;
      note: string | null;
    },
  ): Promise<string> {
    // access: appends an event to a case the caller passed requireVisible for (or just created).
    const row = await one(
      tx,
      db
        .insertInto('case_event')
        .values({
          case_id: event.caseId,
          kind: event.kind,
          actor_id: event.actorId,
          details: JSON.stringify(event.details),
          note: event.note,
        })
        .returning('id'),
    );
    return row.id;
  }

  /** One event, by id (the note just written). */
  async event(tx: EntityManager, id: string) {
    // access: the note just written (addNote, after locate).
    return one(
      tx,
      db
        .selectFrom('case_event as e')
        .select([...EVENT_COLUMNS, 'e.details'])
        .where('e.id', '=', id),
    );
  }

  /** Every report id the case's `intelligence_linked` events name (to ask which of them the reader may see). */
  async linkedReportIds(tx: EntityManager, caseId: string): Promise<string[]> {
    // access: ids only, never answered: the caller keeps those the reader may see.
    const rows = await all(
      tx,
      db
        .selectFrom('case_event as e')
        .select(sql<string>`jsonb_array_elements_text(e.details -> 'reportIds')`.as('report_id'))
        .where('e.case_id', '=', caseId)
        .where('e.kind', '=', CaseEventKind.IntelligenceLinked),
    );
    return [...new Set(rows.map((r) => r.report_id))];
  }

  /** A page of the case's timeline, oldest first, as `visibleEvents` shows it. */
  async page(
    tx: EntityManager,
    caseId: string,
    shown: readonly string[],
    q: PageQuery,
  ): Promise<Page<CaseEventRow>> {
    return pageOf(tx, this.visibleEvents(caseId, shown), OLDEST_FIRST, q, (row) => row);
  }

  /** The whole timeline as `page` shows it, oldest first (for the case file). */
  async everything(tx: EntityManager, caseId: string, shown: readonly string[]): Promise<CaseEventRow[]> {
    // access: the case's own events after locate; linked reports filtered to those the reader may see.
    return all(tx, this.visibleEvents(caseId, shown).orderBy('e.occurred_at').orderBy('e.id'));
  }

  /**
   * The case's events: one naming linked reports names only those in `shown` (the ones the reader may see),
   * and is left out when it names none of them (it would tell that a hidden report exists).
   */
  private visibleEvents(caseId: string, shown: readonly string[]) {
    const linkedShown = sql`(SELECT COALESCE(jsonb_agg(x.id ORDER BY x.ord), '[]'::jsonb)
      FROM jsonb_array_elements_text(e.details -> 'reportIds') WITH ORDINALITY x(id, ord)
      WHERE x.id = ANY(${[...shown]}::text[]))`;
    const linked = sql.lit(CaseEventKind.IntelligenceLinked);
    // access: the case's own events after locate; linked reports filtered to those the reader may see.
    return db
      .selectFrom('case_event as e')
      .select([
        ...EVENT_COLUMNS,
        sql<JsonObject>`CASE WHEN e.kind = ${linked}
          THEN jsonb_set(e.details, '{reportIds}', ${linkedShown}) ELSE e.details END`.as('details'),
      ])
      .where('e.case_id', '=', caseId)
      .where(sql<SqlBool>`(e.kind <> ${linked} OR ${linkedShown} <> '[]'::jsonb)`);
  }
}
