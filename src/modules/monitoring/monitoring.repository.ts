import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { pgClientOf } from '../../database/database.module.js';
import { all, db, execute, first, one } from '../../database/sql.js';
import type { StagedEvent } from './ingest-rows.js';
import { DAY } from './rules.repository.js';

/** A raw statement, compiled for `execute`/`all`/`one`. */
const q = <R>(b: RawBuilder<R>) => b.compile(db);

export interface SourceRow {
  id: string;
  name: string;
  key_prefix: string;
  created_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/**
 * One field of the staging COPY (CSV): NULL unquoted and empty, a string quoted when it must be (a comma, a
 * quote, a line break, a backslash, or empty). Written by hand: csv-stringify cost ~70 µs a row, most of an
 * API batch's time (bench/monitoring.ts).
 */
function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return v === '' || /[",\r\n\\]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The columns of the staging table, in COPY order. */
const STAGE_COLUMNS = [
  'line',
  'kind',
  'event_id',
  'occurred_at',
  'user_ref',
  'action',
  'channel',
  'record_type',
  'record_id',
  'incident_ref',
  'people',
  'vulnerable',
] as const;

/**
 * The monitoring module's event store: sources and their keys, the day-partitioned events (loaded by COPY into
 * a staging table, then INSERT … ON CONFLICT DO NOTHING), the declared associations, the watermark and the
 * system user (the rules and their flags: rules.repository.ts).
 *
 * Boundary note (docs/monitoring.md): the load maps a staff number to its member, and a rule's trial counts
 * flags by department, with set-based joins on `workforce_member` and `department` (read only): at millions of
 * rows a per-row call to WorkforceService is not an option.
 */
@Injectable()
export class MonitoringRepository {
  // ---- sources ----
  createSource(tx: EntityManager, name: string, hash: Buffer, prefix: string, by: string | null) {
    return first(
      tx,
      db
        .insertInto('monitoring_source')
        .values({ name, key_hash: hash, key_prefix: prefix, created_by: by })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning(['id', 'name', 'key_prefix', 'created_at', 'rotated_at', 'revoked_at']),
    );
  }

  listSources(tx: EntityManager): Promise<SourceRow[]> {
    return all(
      tx,
      db
        .selectFrom('monitoring_source')
        .select(['id', 'name', 'key_prefix', 'created_at', 'rotated_at', 'revoked_at'])
        .orderBy('name'),
    );
  }

  rotateSource(tx: EntityManager, id: string, hash: Buffer, prefix: string) {
    return first(
      tx,
      db
        .updateTable('monitoring_source')
        .set({ key_hash: hash, key_prefix: prefix, rotated_at: sql`now()` })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returning(['id', 'name', 'key_prefix', 'created_at', 'rotated_at', 'revoked_at']),
    );
  }

  revokeSource(tx: EntityManager, id: string) {
    return first(
      tx,
      db
        .updateTable('monitoring_source')
        .set({ revoked_at: sql`coalesce(revoked_at, now())` })
        .where('id', '=', id)
        .returning(['id', 'name', 'key_prefix', 'created_at', 'rotated_at', 'revoked_at']),
    );
  }

  sourceByKey(tx: EntityManager, hash: Buffer) {
    return first(
      tx,
      db.selectFrom('monitoring_source').select(['id', 'name', 'revoked_at']).where('key_hash', '=', hash),
    );
  }

  // ---- the event store ----
  /** Makes the day partitions from `from` to `to` (London days) where missing. */
  async ensurePartitions(tx: EntityManager, from: string, to: string): Promise<number> {
    const row = await one(
      tx,
      q(sql<{ n: number }>`SELECT monitoring_ensure_partitions(${from}::date, ${to}::date) AS n`),
    );
    return row.n;
  }

  /** Drops the day partitions of days before `before`. */
  async dropPartitions(tx: EntityManager, before: string): Promise<number> {
    const row = await one(tx, q(sql<{ n: number }>`SELECT monitoring_drop_partitions(${before}::date) AS n`));
    return row.n;
  }

  /** The days that have partitions (for tests and operations). */
  async partitionDays(tx: EntityManager): Promise<string[]> {
    const rows = await all(
      tx,
      sql<{ day: string }>`SELECT DISTINCT right(c.relname, 8) AS day
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'monitoring_access_event' ORDER BY 1`.compile(db),
    );
    return rows.map((r) => `${r.day.slice(0, 4)}-${r.day.slice(4, 6)}-${r.day.slice(6, 8)}`);
  }

  /**
   * Loads staged events: COPY into a temporary staging table (dropped at commit), then one INSERT … SELECT per
   * kind, mapping the user to a member by staff number, ignoring events already stored (same source, event id
   * and time). Runs inside a `write`. Answers the number of new access and contact events.
   */
  async load(
    tx: EntityManager,
    sourceId: string,
    rows: StagedEvent[],
  ): Promise<{ access: number; contact: number }> {
    await execute(
      tx,
      sql`CREATE TEMPORARY TABLE monitoring_stage (
        line integer, kind text, event_id text, occurred_at timestamptz, user_ref text, action text,
        channel text, record_type text, record_id text, incident_ref text, people jsonb, vulnerable boolean
      ) ON COMMIT DROP`.compile(db),
    );
    const client = await pgClientOf(tx);
    const csv = rows
      .map((r) =>
        [
          r.line,
          r.kind,
          r.eventId,
          r.occurredAt,
          r.userRef,
          r.action,
          r.channel,
          r.recordType,
          r.recordId,
          r.incidentRef,
          JSON.stringify(r.people),
          r.vulnerable,
        ]
          .map(csvField)
          .join(','),
      )
      .join('\n');
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(
        copyFrom(`COPY monitoring_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
      );
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(csv);
    });
    const access = await execute(
      tx,
      sql`INSERT INTO monitoring_access_event
          (source_id, event_id, occurred_at, member_id, user_ref, action, record_type, record_id, incident_ref,
           people, vulnerable)
        SELECT ${sourceId}::uuid, s.event_id, s.occurred_at, w.id, s.user_ref, s.action::monitoring_access_action,
               s.record_type, s.record_id, s.incident_ref, s.people, s.vulnerable
          FROM monitoring_stage s LEFT JOIN workforce_member w ON w.staff_number = s.user_ref
         WHERE s.kind = 'access'
        ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING`.compile(db),
    );
    const contact = await execute(
      tx,
      sql`INSERT INTO monitoring_contact_event
          (source_id, event_id, occurred_at, member_id, user_ref, channel, incident_ref, people, vulnerable)
        SELECT ${sourceId}::uuid, s.event_id, s.occurred_at, w.id, s.user_ref, s.channel::monitoring_contact_channel,
               s.incident_ref, s.people, s.vulnerable
          FROM monitoring_stage s LEFT JOIN workforce_member w ON w.staff_number = s.user_ref
         WHERE s.kind = 'contact'
        ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING`.compile(db),
    );
    return { access: access.count, contact: contact.count };
  }

  /** The members and London days of the events loaded after `since` (the worker's incremental pass). */
  async touchedSince(tx: EntityManager, since: Date): Promise<{ member_id: string; day: string }[]> {
    return all(
      tx,
      sql<{ member_id: string; day: string }>`
        SELECT DISTINCT member_id, to_char(${DAY('e')}, 'YYYY-MM-DD') AS day FROM (
          SELECT member_id, occurred_at FROM monitoring_access_event WHERE loaded_at > ${since} AND member_id IS NOT NULL
          UNION ALL
          SELECT member_id, occurred_at FROM monitoring_contact_event WHERE loaded_at > ${since} AND member_id IS NOT NULL
        ) e`.compile(db),
    );
  }

  async watermark(tx: EntityManager): Promise<Date> {
    return (await one(tx, db.selectFrom('monitoring_state').select('evaluated_to').where('id', '=', 1)))
      .evaluated_to;
  }

  async setWatermark(tx: EntityManager, to: Date): Promise<void> {
    await execute(tx, db.updateTable('monitoring_state').set({ evaluated_to: to }).where('id', '=', 1));
  }

  // ---- declared associations (filled through vetting's DeclaredAssociations port) ----
  /** The member's declared associations with these person references; one already known is kept as it is. */
  async declareAssociations(
    tx: EntityManager,
    memberId: string,
    declarationId: string,
    declaredOn: string,
    personRefs: readonly string[],
  ): Promise<number> {
    if (personRefs.length === 0) return 0;
    const result = await execute(
      tx,
      db
        .insertInto('monitoring_declared_association')
        .values(
          personRefs.map((ref) => ({
            member_id: memberId,
            person_ref: ref,
            declared_on: declaredOn,
            declaration_id: declarationId,
          })),
        )
        .onConflict((oc) => oc.columns(['member_id', 'person_ref']).doNothing()),
    );
    return result.count;
  }

  /** The system user that records monitoring's leads (created by the migration). */
  async systemUserId(tx: EntityManager, email: string): Promise<string> {
    return (await one(tx, db.selectFrom('app_user').select('id').where('email', '=', email))).id;
  }
}
