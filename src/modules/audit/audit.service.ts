import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessAuditor } from '../../common/auth/access.guard.js';
import type { Actor } from '../../common/auth/actor.js';
import { paginate, type Keyset } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { callerRecordsExcluded, RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditOutcome, type AuditEntry } from './audit.types.js';
import type { AuditEventPage, AuditEventView, AuditQuery, AuditVerification } from './dto/audit.dto.js';

const BY_SEQ_DESC: Keyset = { columns: [{ expr: 'e.seq', type: 'bigint' }], direction: 'DESC' };

/** Most rows one CSV export returns; past it the caller narrows the filter. */
export const AUDIT_EXPORT_MAX = 100_000;

interface AuditRow {
  seq: string;
  occurred_at: Date;
  user_id: string | null;
  roles: string[];
  action: string;
  resource_type: string;
  resource_id: string | null;
  subject_ids: string[];
  outcome: AuditOutcome;
  request_id: string | null;
  client_address: string | null;
  details: Record<string, unknown>;
}

const toView = (r: Record<string, unknown>): AuditEventView => {
  const row = r as unknown as AuditRow;
  return {
    seq: String(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    userId: row.user_id,
    roles: row.roles,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    subjectIds: row.subject_ids,
    outcome: row.outcome,
    requestId: row.request_id,
    clientAddress: row.client_address,
    details: row.details,
  };
};

const AUDIT_COLUMNS =
  '(user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, client_address, details)';

/**
 * Where an audit row written by the change's own statement takes what only that statement knows: the CTE
 * that RETURNs the changed row (exactly one), the resource id and, optionally, a jsonb object merged into
 * the entry's details (both SQL expressions over that CTE).
 */
export interface AuditedBy {
  cte: string;
  resourceId: string;
  details?: string;
}

/**
 * The audit row's insert, its values appended to `params`. It goes to audit_event_pending, and a deferred
 * trigger seals it into the chain (audit_event: next seq, link, hash, under the chain's lock) when the
 * transaction commits, so the lock is held only for the commit itself (migration 1795547000000). With
 * `by`, it is a SELECT from the change's CTE, to run as a data-modifying CTE of the same statement.
 */
function auditInsertSql(
  params: unknown[],
  values: [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown],
  by?: AuditedBy,
): string {
  // With `by` the resource id is the CTE's, not a parameter (PostgreSQL refuses an unused parameter).
  const $ = values.map((v, i) => {
    if (by && i === 4) return '';
    params.push(v);
    return `$${params.length}`;
  });
  if (!by) {
    return `INSERT INTO audit_event_pending ${AUDIT_COLUMNS}
      VALUES (${$[0]}, ${$[1]}, ${$[2]}, ${$[3]}, ${$[4]}, ${$[5]}::uuid[], ${$[6]}, ${$[7]}, ${$[8]}, ${$[9]})`;
  }
  return `INSERT INTO audit_event_pending ${AUDIT_COLUMNS}
      SELECT ${$[0]}::uuid, ${$[1]}::text[], ${$[2]}, ${$[3]}, (${by.resourceId})::text, ${$[5]}::uuid[],
             ${$[6]}::audit_outcome, ${$[7]}, ${$[8]}, ${$[9]}::jsonb${by.details ? ` || (${by.details})` : ''}
        FROM ${by.cte}`;
}

/** The audit insert with its ten values as $1..$10 (the bench's raw routes run it). */
export const AUDIT_INSERT_SQL = auditInsertSql(
  [],
  [null, null, null, null, null, null, null, null, null, null],
);

/**
 * The one way to write the audit trail. `record` joins the caller's transaction, so that a rolled-back
 * change leaves no audit row and a committed one always has one; the row joins the chain when the
 * transaction commits (its seq and time are the commit's). `recordAlone` is for outcomes that must be kept
 * although the request fails (denied reads, failed logins).
 */
@Injectable()
export class AuditService extends AccessAuditor {
  constructor(private readonly tx: Transactions) {
    super();
  }

  /** A caller refused by role: kept, so auditors see who tried what they may not do. */
  denied(actor: Actor, route: string): Promise<void> {
    return this.recordAlone(actor, {
      action: 'access.denied',
      resourceType: 'route',
      outcome: AuditOutcome.Denied,
      details: { route },
    });
  }

  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    const params: unknown[] = [];
    await manager.query(this.insertSql(actor, entry, params), params);
  }

  /**
   * The audit row as a data-modifying CTE of the change's own statement (`by` names the CTE that returns the
   * changed row): for a change made in one statement, which then needs no explicit transaction, both rows
   * committing together or not at all. The values are appended to `params`.
   */
  insertSql(actor: Actor, entry: AuditEntry, params: unknown[], by?: AuditedBy): string {
    return auditInsertSql(
      params,
      [
        actor.userId,
        actor.roles,
        entry.action,
        entry.resourceType,
        entry.resourceId ?? null,
        entry.subjectIds ?? [],
        entry.outcome ?? AuditOutcome.Allowed,
        actor.requestId,
        actor.clientAddress,
        entry.details ?? {},
      ],
      by,
    );
  }

  recordAlone(actor: Actor, entry: AuditEntry): Promise<void> {
    return this.tx.run((manager) => this.record(manager, actor, entry));
  }

  /**
   * The auditors' search. Events concerning the caller (their workforce record among the row's subject ids)
   * are left out by the access policy: the trail is itself a record about the people it names, so an auditor
   * never learns from it who recorded, read or was refused records about them (`callerRecordsExcluded`).
   * Reading the trail is itself audited, with the filter used and the people the returned events concern,
   * so that the search row is hidden from those people as the events are.
   */
  async search(actor: Actor, query: AuditQuery): Promise<AuditEventPage> {
    return this.tx.read(async (manager) => {
      const page = await paginate(this.filtered(manager, actor, query), BY_SEQ_DESC, query, toView);
      await this.record(manager, actor, {
        action: 'audit.search',
        resourceType: 'audit_event',
        subjectIds: this.subjectsOf(query, page.items),
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
    return this.tx.read(async (manager) => {
      const found = await this.filtered(manager, actor, query)
        .orderBy('e.seq', 'DESC')
        .limit(AUDIT_EXPORT_MAX + 1)
        .getRawMany<Record<string, unknown>>();
      if (found.length > AUDIT_EXPORT_MAX) {
        throw problems.unprocessable(
          'export_too_large',
          `More than ${AUDIT_EXPORT_MAX} events match; narrow the filter (e.g. the time range)`,
        );
      }
      const rows = found.map(toView);
      await this.record(manager, actor, {
        action: 'audit.export',
        resourceType: 'audit_event',
        subjectIds: this.subjectsOf(query, rows),
        details: { filter: this.filterOf(query), returned: rows.length },
      });
      return { rows, callerRecordsExcluded: callerRecordsExcluded(actor) };
    });
  }

  /** Recomputes the hash chain; reports the first sequence number that fails. */
  async verify(actor: Actor): Promise<AuditVerification> {
    const [failure] = await this.tx.dataSource.query<
      { seq: string; problem: 'missing' | 'broken_link' | 'altered' }[]
    >('SELECT seq::text AS seq, problem FROM audit_verify()');
    const [{ count }] = await this.tx.dataSource.query<{ count: string }[]>(
      'SELECT count(*)::text AS count FROM audit_event',
    );
    const result: AuditVerification = {
      valid: !failure,
      checked: Number(count),
      firstFailure: failure ? { seq: failure.seq, problem: failure.problem } : null,
      verifiedAt: new Date().toISOString(),
    };
    await this.recordAlone(actor, {
      action: 'audit.verify',
      resourceType: 'audit_event',
      outcome: failure ? AuditOutcome.Failed : AuditOutcome.Allowed,
      details: { checked: result.checked, firstFailure: result.firstFailure },
    });
    return result;
  }

  /**
   * Moves the subject index's pending entries into the index (the worker, every few seconds; migration
   * 1795551000000), outside the chain's lock; the number of pending pages it emptied.
   */
  async flushSubjectIndex(): Promise<number> {
    const [{ pages }] = await this.tx.dataSource.query<{ pages: string }[]>(
      'SELECT audit_subjects_flush()::text AS pages',
    );
    return Number(pages);
  }

  private filtered(manager: EntityManager, actor: Actor, q: AuditQuery) {
    const qb = manager
      .createQueryBuilder()
      .select([
        'e.seq',
        'e.occurred_at',
        'e.user_id',
        'e.roles',
        'e.action',
        'e.resource_type',
        'e.resource_id',
      ])
      .addSelect(['e.subject_ids', 'e.outcome', 'e.request_id', 'e.client_address', 'e.details'])
      .from('audit_event', 'e');
    const visible = visibleTo(actor, RecordKind.AuditEvent, 'e');
    if (!visible.unrestricted) {
      const { sql, params } = visible.named();
      qb.andWhere(sql, params);
    }
    if (q.userId) qb.andWhere('e.user_id = :userId', { userId: q.userId });
    if (q.resourceType) qb.andWhere('e.resource_type = :resourceType', { resourceType: q.resourceType });
    if (q.resourceId) qb.andWhere('e.resource_id = :resourceId', { resourceId: q.resourceId });
    if (q.subjectId) {
      // `<> '{}'` is what the index on subject_ids holds (rows naming somebody): without it, it is not used.
      qb.andWhere(`e.subject_ids @> ARRAY[CAST(:subjectId AS uuid)] AND e.subject_ids <> '{}'`, {
        subjectId: q.subjectId,
      });
    }
    if (q.action) qb.andWhere('e.action = :action', { action: q.action });
    if (q.outcome) qb.andWhere('e.outcome = :outcome', { outcome: q.outcome });
    if (q.from) qb.andWhere('e.occurred_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('e.occurred_at < :to', { to: q.to });
    return qb;
  }

  /**
   * The people a search's answer concerns: those the events it returned name. The person it asked about is in
   * its details (so the policy hides the row from them) but not named, or a search for an id that concerns
   * nobody would make the next search for it answer differently from a search for the caller's own id.
   */
  private subjectsOf(_q: AuditQuery, events: AuditEventView[]): string[] {
    const people = new Set<string>();
    for (const e of events) for (const id of e.subjectIds) people.add(id);
    return [...people];
  }

  private filterOf(q: AuditQuery): Record<string, unknown> {
    const { limit: _limit, cursor: _cursor, ...filter } = q;
    return filter;
  }
}
