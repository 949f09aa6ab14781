import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { Role } from '../src/common/auth/roles.js';
import { Transactions } from '../src/database/database.module.js';
import { AUDIT_INSERT_SQL, AuditService } from '../src/modules/audit/audit.service.js';
import { AuditOutcome } from '../src/modules/audit/audit.types.js';
import { startApp, type TestApp, whileAuditRefused } from './helpers/app.js';
import { call, expectProblem, userWith, workforceMember, type TestUser } from './helpers/http.js';

/** As a database superuser would: with triggers bypassed. */
async function asSuperuserBypassingTriggers(
  pool: pg.Pool,
  sql: string,
  params: unknown[] = [],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.query('RESET session_replication_role');
    client.release();
  }
}

describe('audit trail', () => {
  let t: TestApp;
  let admin: TestUser;
  let auditor: TestUser;
  const verify = async () =>
    (await call(t.app, 'GET', '/api/v1/audit/verify', { token: auditor.token })).body;

  beforeEach(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await userWith(t, [Role.Admin]);
    auditor = await userWith(t, [Role.Auditor]);
  });
  afterEach(() => t.close());

  it('records writes and reads with who, roles, action, outcome and request id; the chain verifies', async () => {
    const created = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'a1@force.example', displayName: 'A', roles: ['analyst'] },
      headers: { 'x-request-id': 'req-create-user-1' },
    });
    await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: 'ghost@force.example', password: 'nothing here' },
    });
    const res = await call(t.app, 'GET', `/api/v1/audit/events?resourceId=${created.body.id}`, {
      token: auditor.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        userId: admin.id,
        roles: ['admin'],
        action: 'user.create',
        resourceType: 'user',
        resourceId: created.body.id,
        outcome: 'allowed',
        requestId: 'req-create-user-1',
      }),
    ]);
    const denied = await call(t.app, 'GET', '/api/v1/audit/events?action=auth.login&outcome=denied', {
      token: auditor.token,
    });
    expect(denied.body.items[0]).toMatchObject({ userId: null, details: { reason: 'unknown_email' } });
    expect(await verify()).toMatchObject({ valid: true, firstFailure: null });
  });

  it('answers "who looked at anything about workforce member X in the last year" in one request', async () => {
    const member = await workforceMember(t);
    const user = await userWith(t, [Role.Analyst]);
    const current = await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token });
    await call(t.app, 'PUT', `/api/v1/users/${user.id}/workforce-member`, {
      token: admin.token,
      body: { workforceMemberId: member, version: current.body.version },
    });
    const from = new Date(Date.now() - 365 * 86400_000).toISOString();
    const res = await call(t.app, 'GET', `/api/v1/audit/events?workforceMemberId=${member}&from=${from}`, {
      token: auditor.token,
    });
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['user.link_workforce_member']);
    const csv = await call(
      t.app,
      'GET',
      `/api/v1/audit/events.csv?workforceMemberId=${member}&from=${from}`,
      {
        token: auditor.token,
      },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'seq,occurredAt,userId,actorName,roles,action,resourceType,resourceId,workforceMemberIds,outcome,requestId,clientAddress,details',
    );
    // The search just made is itself a look at records about the member: it names them too.
    expect(lines.slice(1).map((l) => l.split(',')[5])).toEqual([
      'audit.search',
      'user.link_workforce_member',
    ]);
    expectProblem(
      await call(t.app, 'GET', '/api/v1/audit/events?from=yesterday', { token: auditor.token }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call(t.app, 'GET', '/api/v1/audit/events?outcome=maybe', { token: auditor.token }),
      400,
      'validation_failed',
    );
  });

  it('finds the rows naming a person before and after the worker flushes the subject index', async () => {
    const audit = t.app.get(AuditService);
    const { rows: index } = await t.db.pool.query<{ reloptions: string[] }>(
      `SELECT reloptions FROM pg_class WHERE relname = 'ix_audit_event_subjects'`,
    );
    expect(index[0].reloptions).toContain('fastupdate=on');
    await audit.flushSubjectIndex();
    const member = await workforceMember(t);
    await audit.recordAlone(
      {
        userId: admin.id,
        roles: [Role.Admin],
        workforceMemberId: null,
        sessionId: null,
        requestId: 'flush-1',
        clientAddress: null,
      },
      {
        action: 'workforce_member.read',
        resourceType: 'workforce_member',
        resourceId: member,
        subjectIds: [member],
      },
    );
    const found = async () =>
      (
        await call(
          t.app,
          'GET',
          `/api/v1/audit/events?workforceMemberId=${member}&action=workforce_member.read`,
          {
            token: auditor.token,
          },
        )
      ).body.items.map((e: { requestId: string }) => e.requestId);
    expect(await found()).toEqual(['flush-1']);
    // As the worker does (job audit-subjects-flush), on the app's own role.
    expect(await audit.flushSubjectIndex()).toBeGreaterThanOrEqual(1);
    expect(await audit.flushSubjectIndex()).toBe(0);
    expect(await found()).toEqual(['flush-1']);
  });

  it('is append-only: the app role has no UPDATE, DELETE or TRUNCATE, and triggers refuse them for everyone', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT has_table_privilege('lantern_app', 'audit_event', 'UPDATE') AS u,
              has_table_privilege('lantern_app', 'audit_event', 'DELETE') AS d,
              has_table_privilege('lantern_app', 'audit_event', 'TRUNCATE') AS t,
              has_table_privilege('lantern_app', 'audit_event', 'INSERT') AS i,
              has_table_privilege('lantern_app', 'audit_event_pending', 'INSERT') AS pi,
              has_table_privilege('lantern_app', 'audit_event_pending', 'SELECT') AS ps,
              has_table_privilege('lantern_app', 'audit_event_pending', 'DELETE') AS pd`,
    );
    // The app appends only through audit_event_pending, sealed into the chain at commit.
    expect(rows[0]).toEqual({ u: false, d: false, t: false, i: false, pi: true, ps: false, pd: false });
    const client = await t.db.pool.connect();
    try {
      await client.query('SET ROLE lantern_app');
      await expect(
        client.query(`INSERT INTO audit_event (action, resource_type, outcome) VALUES ('x', 'x', 'allowed')`),
      ).rejects.toThrow(/permission denied/);
      await expect(client.query(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`DELETE FROM audit_event`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`TRUNCATE audit_event`)).rejects.toThrow(/permission denied/);
      await client.query('RESET ROLE');
      // Even the owner/superuser is refused by the triggers.
      await expect(client.query(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
      await expect(client.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    } finally {
      client.release();
    }
  });

  it('detects a changed column at its sequence number', async () => {
    for (let i = 0; i < 4; i++) await call(t.app, 'GET', '/api/v1/users', { token: admin.token });
    const { rows } = await t.db.pool.query<{ max: string }>('SELECT max(seq)::text AS max FROM audit_event');
    const last = Number(rows[0].max);
    expect(last).toBeGreaterThanOrEqual(6);

    await asSuperuserBypassingTriggers(t.db.pool, `UPDATE audit_event SET outcome = 'denied' WHERE seq = 4`);
    expect((await verify()).firstFailure).toEqual({ seq: '4', problem: 'altered' });
  });

  it('detects a deleted row at its sequence number', async () => {
    for (let i = 0; i < 4; i++) await call(t.app, 'GET', '/api/v1/users', { token: admin.token });
    await asSuperuserBypassingTriggers(t.db.pool, `DELETE FROM audit_event WHERE seq = 3`);
    expect((await verify()).firstFailure).toEqual({ seq: '3', problem: 'missing' });
  });

  it('detects a forged row', async () => {
    for (let i = 0; i < 3; i++) await call(t.app, 'GET', '/api/v1/users', { token: admin.token });
    const { rows } = await t.db.pool.query<{ seq: string; hash: Buffer }>(
      'SELECT seq::text, hash FROM audit_event ORDER BY seq DESC LIMIT 1',
    );
    const forged = Number(rows[0].seq) + 1;
    // A plausible row: right position, right link to its predecessor, but a hash the forger had to invent.
    await asSuperuserBypassingTriggers(
      t.db.pool,
      `INSERT INTO audit_event (seq, occurred_at, action, resource_type, outcome, prev_hash, hash)
       VALUES ($1, now(), 'user.read', 'user', 'allowed', $2, $2)`,
      [forged, rows[0].hash],
    );
    expect((await verify()).firstFailure).toEqual({ seq: String(forged), problem: 'altered' });
  });

  it('hashes each row as the chain first defined it, whatever the row names and holds', async () => {
    const audit = t.app.get(AuditService);
    const actor = {
      userId: admin.id,
      roles: [Role.Admin, Role.Auditor],
      workforceMemberId: null,
      sessionId: null,
      requestId: 'digest-1',
      clientAddress: '10.0.0.1',
    };
    const { rows: people } = await t.db.pool.query<{ id: string }>(
      'SELECT gen_random_uuid()::text AS id FROM generate_series(1, 3000)',
    );
    const ids = people.map((p) => p.id);
    const tricky = { note: 'a "quoted", \\ back\nline ","', naïve: ['£', '","', null], n: 1.5, empty: {} };
    await t.app.get(Transactions).write(async (m) => {
      await audit.record(m, actor, {
        action: 'figures.misconduct_return',
        resourceType: 'figures',
        subjectIds: ids,
      });
      await audit.record(m, actor, {
        action: 'user.read',
        resourceType: 'user',
        subjectIds: ids.slice(0, 1),
      });
      await audit.record(m, actor, { action: 'user.read', resourceType: 'user', details: tricky });
    });
    await audit.recordAlone(
      { ...actor, userId: null, roles: [] },
      { action: 'auth.login', resourceType: 'user', outcome: AuditOutcome.Denied },
    );
    // The digest as migration 1795500001000 defined it: the whole row through jsonb_build_array.
    const { rows } = await t.db.pool.query<{ seq: string; names: number; same: boolean }>(
      `SELECT e.seq::text, cardinality(e.subject_ids) AS names,
              e.hash = sha256(e.prev_hash || convert_to(jsonb_build_array(
                e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.user_id,
                e.roles, e.action, e.resource_type, e.resource_id, e.subject_ids, e.outcome, e.request_id,
                e.client_address, e.details)::text, 'UTF8')) AS same
       FROM audit_event e ORDER BY e.seq`,
    );
    expect(rows.map((r) => r.names)).toEqual(expect.arrayContaining([3000, 1, 0]));
    expect(rows.filter((r) => !r.same)).toEqual([]);
    expect(await verify()).toMatchObject({ valid: true, firstFailure: null });
  });

  it('writes the audit row in the change’s transaction: a rollback leaves no row and no gap', async () => {
    const tx = t.app.get(Transactions);
    const audit = t.app.get(AuditService);
    const actor = {
      userId: admin.id,
      roles: [Role.Admin],
      workforceMemberId: null,
      sessionId: null,
      requestId: 'rb-1',
      clientAddress: null,
    };
    await expect(
      tx.write(async (m) => {
        await audit.record(m, actor, { action: 'user.read', resourceType: 'user', resourceId: admin.id });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE request_id = 'rb-1'`,
    );
    expect(rows[0].n).toBe(0);
    await Promise.all(
      Array.from({ length: 20 }, () => call(t.app, 'GET', '/api/v1/auth/me', { token: admin.token })),
    );
    await Promise.all(
      Array.from({ length: 10 }, () => call(t.app, 'GET', '/api/v1/users', { token: admin.token })),
    );
    const gaps = await t.db.pool.query(`SELECT count(*)::int AS n, max(seq)::int AS max FROM audit_event`);
    expect(gaps.rows[0].n).toBe(gaps.rows[0].max);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('seals audit rows into the chain at commit: an open audited transaction holds up nobody', async () => {
    const held = await t.db.pool.connect();
    try {
      await held.query('BEGIN');
      await held.query('SET LOCAL ROLE lantern_app');
      await held.query(AUDIT_INSERT_SQL, [
        admin.id,
        ['admin'],
        'user.read',
        'user',
        admin.id,
        [],
        'allowed',
        'held-1',
        null,
        {},
      ]);
      // Not in the chain yet, and other audited requests go through meanwhile (the chain's lock is taken
      // only when a transaction commits).
      const listed = await call(t.app, 'GET', '/api/v1/users', { token: admin.token });
      expect(listed.status).toBe(200);
      const before = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE request_id = 'held-1'`,
      );
      expect(before.rows[0].n).toBe(0);
      await held.query('COMMIT');
    } finally {
      held.release();
    }
    const { rows } = await t.db.pool.query<{ action: string; request_id: string | null }>(
      `SELECT action, request_id FROM audit_event ORDER BY seq DESC LIMIT 2`,
    );
    // Chain order is commit order: the list that committed first comes first.
    expect(rows.map((r) => r.action)).toEqual(['user.read', 'user.list']);
    const pending = await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_event_pending`);
    expect(pending.rows[0].n).toBe(0);
    expect(await verify()).toMatchObject({ valid: true });
  });
  it('runs a one-statement change as a statement prepared once per connection, failing as every path fails', async () => {
    const tx = t.app.get(Transactions);
    // Its own prepared statements, as the connection that runs it sees them (sequential calls reuse one
    // pooled connection): prepared by the first call, still the one prepared statement after the third.
    const sql = `SELECT array(SELECT name FROM pg_prepared_statements ORDER BY name)::text[] AS names, $1::int AS n`;
    const calls: { names: string[]; n: number }[] = [];
    for (const n of [1, 2, 3])
      calls.push(
        ...(await tx.write(CompiledQuery.raw(sql, [n]) as CompiledQuery<{ names: string[]; n: number }>)),
      );
    expect(calls.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(calls[2].names).toHaveLength(1);
    expect(calls[2].names[0]).toMatch(/^lantern_[0-9a-f]{40}$/);
    // A failure in the database is TypeORM's QueryFailedError with the driver's error, as from a `write`
    // of work and a `read`, and the connection stays usable.
    const failed = tx.write(CompiledQuery.raw('SELECT 1 / $1::int AS x', [0]));
    await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failed).rejects.toMatchObject({ driverError: { code: '22012' } });
    expect(await tx.write(CompiledQuery.raw('SELECT 1 / $1::int AS x', [1]))).toEqual([{ x: 1 }]);
  });

  it('runs audited reads without a transaction; the audit row is sealed before anything is sent, or nothing is sent', async () => {
    // Transactions.read: each statement its own transaction (now() is the transaction's start time).
    const tx = t.app.get(Transactions);
    const times = (work: (run: (m: EntityManager) => Promise<string[]>) => Promise<string[]>) =>
      work(async (m) => {
        const [a] = await m.query<{ t: string }[]>('SELECT now()::text AS t, pg_sleep(0.01)');
        const [b] = await m.query<{ t: string }[]>('SELECT now()::text AS t');
        return [a.t, b.t];
      });
    const [readA, readB] = await times((w) => tx.read(w));
    expect(readA).not.toBe(readB);
    const [runA, runB] = await times((w) => tx.write(w));
    expect(runA).toBe(runB);

    // Refuse this caller's audit rows where they are sealed into the chain.
    await whileAuditRefused(t.db.pool, `NEW.user_id = '${admin.id}'`, async () => {
      const refused = await call(t.app, 'GET', '/api/v1/users', { token: admin.token });
      expectProblem(refused, 500, 'internal_error');
      expect(refused.text).not.toContain(auditor.email);
    });
    const listed = await call(t.app, 'GET', '/api/v1/users', {
      token: admin.token,
      headers: { 'x-request-id': 'read-sealed-1' },
    });
    expect(listed.status).toBe(200);
    expect(listed.text).toContain(auditor.email);
    // Sealed and durable by the time the response arrived: in the chain, nothing left pending.
    const sealed = await t.db.pool.query(`SELECT action FROM audit_event WHERE request_id = 'read-sealed-1'`);
    expect(sealed.rows).toEqual([{ action: 'user.list' }]);
    const pending = await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_event_pending`);
    expect(pending.rows[0].n).toBe(0);
    expect(await verify()).toMatchObject({ valid: true });
  });
});

describe('denied by role', () => {
  it('records an access.denied event naming the route', async () => {
    const t = await startApp();
    try {
      const analyst = await userWith(t, [Role.Analyst]);
      const auditor = await userWith(t, [Role.Auditor]);
      expectProblem(
        await call(t.app, 'GET', '/api/v1/users?limit=5', { token: analyst.token }),
        403,
        'forbidden',
      );
      const res = await call(t.app, 'GET', `/api/v1/audit/events?userId=${analyst.id}&action=access.denied`, {
        token: auditor.token,
      });
      expect(res.body.items).toEqual([
        expect.objectContaining({
          outcome: 'denied',
          roles: ['analyst'],
          details: { route: 'GET /api/v1/users' },
        }),
      ]);
    } finally {
      await t.close();
    }
  });
});
