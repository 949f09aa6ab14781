import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessAuditor } from '../../common/auth/access.guard.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { problems } from '../../common/problem.js';
import type { Json } from '../../database/db.js';
import { Transactions } from '../../database/database.module.js';
import { execute, type Placeholders } from '../../database/sql.js';
import { callerRecordsExcluded } from '../access/access.policy.js';
import { AuditAction, AuditError, AuditResource } from './audit.codes.js';
import {
  type AuditFrom,
  type AuditInsert,
  AuditRepository,
  type AuditRow,
  type AuditValues,
} from './audit.repository.js';
import { type AuditEntry, AuditOutcome } from './audit.types.js';
import type { AuditEventPage, AuditEventView, AuditQuery, AuditVerification } from './dto/audit.dto.js';

export type { AuditFrom, AuditInsert, AuditValues } from './audit.repository.js';

/** Most rows one CSV export returns; past it the caller narrows the filter. */
export const AUDIT_EXPORT_MAX = 100_000;

/** An event's details as the API shows them (always a JSON object: every writer gives one). */
const detailsOf = (details: Json): Record<string, unknown> =>
  details !== null && typeof details === 'object' && !Array.isArray(details) ? details : {};

const toView = (row: AuditRow): AuditEventView => ({
  seq: row.seq,
  occurredAt: row.occurred_at.toISOString(),
  userId: row.user_id,
  actorName: null,
  roles: row.roles,
  action: row.action,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  workforceMemberIds: row.subject_ids,
  outcome: row.outcome,
  requestId: row.request_id,
  clientAddress: row.client_address,
  details: detailsOf(row.details),
});

/** The audit insert with its ten values as $1..$10, in AuditRepository's column order (the bench's raw routes). */
export const AUDIT_INSERT_SQL = new AuditRepository()
  .insert(
    { userId: null, roles: [], workforceMemberId: null, sessionId: null, requestId: '', clientAddress: null },
    { action: '', resourceType: '' },
  )
  .compile().sql;

/**
 * The one way to write the audit trail. Every form writes the same row to audit_event_pending, which a
 * deferred trigger seals into the hash chain when the transaction commits (its seq and time are the commit's):
 * - `record(tx, actor, entry)`: inside the change's unit of work (`Transactions.write`, or the work of an
 *   audited `Transactions.read`), so that a rolled-back change leaves no audit row and a committed one always
 *   has one.
 * - `insertFrom(p, by)` and `valuesOf(actor, entry)`: for a change made in ONE statement (the fast path of
 *   `Transactions.write`, no BEGIN/COMMIT): the row as a Kysely insert that reads the change's CTE, to embed as
 *   a data-modifying CTE of that statement, so both rows commit together or not at all. The statement is a
 *   `fixedStatement` (compiled once): `insertFrom` writes the row over its placeholders, `valuesOf` gives
 *   their values for each call. The change's repository composes the statement; the service binds and runs it:
 *   ```ts
 *   // in the repository:
 *   createAudited = (audited: (p: Placeholders<AuditValues>) => AuditInsert) =>
 *     fixedStatement<NewReport & AuditValues, Row>((p) =>
 *       db.with('created', (q) => q.insertInto('intelligence_report').values({ ... p.reference ... }).returning(...))
 *         .with('audited', () => audited(p))
 *         .selectFrom('created').selectAll());
 *   // in the service, built once:
 *   const statement = this.reports.createAudited((p) =>
 *     this.audit.insertFrom(p, { cte: 'created', resourceId: sql.ref('created.id') }));
 *   await this.tx.write(statement({ ...report, ...this.audit.valuesOf(actor, entry) }));
 *   ```
 * - `recordAlone(actor, entry)`: an outcome that must be kept although the request fails (denied reads,
 *   failed logins, refused changes): a write of its own, the one-statement form of `Transactions.write`.
 */
@Injectable()
export class AuditService extends AccessAuditor {
  constructor(
    private readonly tx: Transactions,
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** A caller refused by role: kept, so auditors see who tried what they may not do. */
  denied(actor: Actor, route: string): Promise<void> {
    return this.recordAlone(actor, {
      action: AuditAction.AccessDenied,
      resourceType: AuditResource.Route,
      outcome: AuditOutcome.Denied,
      details: { route },
    });
  }

  async record(tx: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await execute(tx, this.repository.insert(actor, entry));
  }

  /** The audit row as a data-modifying CTE of the change's own statement, over placeholders (see the class comment). */
  insertFrom(p: Placeholders<AuditValues>, by: AuditFrom): AuditInsert {
    return this.repository.insertFrom(p, by);
  }

  /** The values of `insertFrom`'s placeholders for this actor and entry. */
  valuesOf(actor: Actor, entry: AuditEntry): AuditValues {
    return this.repository.valuesOf(actor, entry);
  }

  /** An audit row kept whatever becomes of the request: one statement, committed on its own. */
  async recordAlone(actor: Actor, entry: AuditEntry): Promise<void> {
    await this.tx.write(this.repository.insert(actor, entry));
  }

  /**
   * The auditors' search. Events concerning the caller (their workforce record among the row's subject ids)
   * are left out by the access policy: the trail is itself a record about the people it names, so an auditor
   * never learns from it who recorded, read or was refused records about them (`callerRecordsExcluded`).
   * Reading the trail is itself audited, with the filter used and the people the returned events concern,
   * so that the search row is hidden from those people as the events are. An audited read whose row names
   * what it found, so written after it.
   */
  async search(actor: Actor, query: AuditQuery): Promise<AuditEventPage> {
    return this.tx.read(async (tx) => {
      const page = await this.repository.search(tx, actor, query, toView);
      await this.record(tx, actor, {
        action: AuditAction.Search,
        resourceType: AuditResource.AuditEvent,
        subjectIds: this.subjectsOf(page.items),
        details: { filter: this.filterOf(query), returned: page.items.length },
      });
      return { ...page, callerRecordsExcluded: callerRecordsExcluded(actor) };
    });
  }

  /**
   * Every event matching the filter, newest first, for CSV; refused past AUDIT_EXPORT_MAX rows. As the
   * search, it leaves out events concerning the caller (`callerRecordsExcluded`, sent as a header).
   */
  async export(
    actor: Actor,
    query: AuditQuery,
  ): Promise<{ rows: AuditEventView[]; callerRecordsExcluded: boolean }> {
    return this.tx.read(async (tx) => {
      const found = await this.repository.export(tx, actor, query, AUDIT_EXPORT_MAX + 1);
      if (found.length > AUDIT_EXPORT_MAX) {
        throw problems.unprocessable(
          AuditError.ExportTooLarge,
          `More than ${AUDIT_EXPORT_MAX} events match; narrow the filter (e.g. the time range)`,
        );
      }
      const rows = found.map(toView);
      await this.record(tx, actor, {
        action: AuditAction.Export,
        resourceType: AuditResource.AuditEvent,
        subjectIds: this.subjectsOf(rows),
        details: { filter: this.filterOf(query), returned: rows.length },
      });
      return { rows, callerRecordsExcluded: callerRecordsExcluded(actor) };
    });
  }

  /**
   * Recomputes the hash chain; reports the first sequence number that fails. Its audit row records the
   * outcome (`failed` when the chain is broken), so it is written on its own after the check.
   */
  async verify(actor: Actor): Promise<AuditVerification> {
    const { failure, checked } = await this.tx.read(async (tx) => ({
      failure: await this.repository.firstFailure(tx),
      checked: await this.repository.count(tx),
    }));
    const result: AuditVerification = {
      valid: !failure,
      checked,
      firstFailure: failure ? { seq: failure.seq, problem: failure.problem } : null,
      verifiedAt: this.clock.now().toISOString(),
    };
    await this.recordAlone(actor, {
      action: AuditAction.Verify,
      resourceType: AuditResource.AuditEvent,
      outcome: failure ? AuditOutcome.Failed : AuditOutcome.Allowed,
      details: { checked: result.checked, firstFailure: result.firstFailure },
    });
    return result;
  }

  /**
   * Moves the subject index's pending entries into the index (the worker, every few seconds; migration
   * 1795551000000), outside the chain's lock; the number of pending pages it emptied. A write: it changes
   * the index.
   */
  flushSubjectIndex(): Promise<number> {
    return this.tx.write((tx) => this.repository.flushSubjectIndex(tx));
  }

  /**
   * The people a search's answer concerns: those the events it returned name. The person it asked about is in
   * its details (so the policy hides the row from them) but not named, or a search for an id that concerns
   * nobody would make the next search for it answer differently from a search for the caller's own id.
   */
  private subjectsOf(events: AuditEventView[]): string[] {
    const people = new Set<string>();
    for (const e of events) for (const id of e.workforceMemberIds) people.add(id);
    return [...people];
  }

  private filterOf(q: AuditQuery): Record<string, unknown> {
    const { limit: _limit, cursor: _cursor, ...filter } = q;
    return filter;
  }
}
