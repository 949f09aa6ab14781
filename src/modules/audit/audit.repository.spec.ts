import { sql } from 'kysely';
import { db, fixedStatement, type Placeholders } from '../../database/sql.js';
import { AuditRepository, type AuditValues } from './audit.repository.js';
import { AUDIT_INSERT_SQL } from './audit.service.js';
import { AuditOutcome } from './audit.types.js';

const actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  roles: [],
  workforceMemberId: null,
  sessionId: null,
  requestId: 'r-1',
  clientAddress: '10.0.0.1',
};
const repository = new AuditRepository();

describe('the audit insert', () => {
  it('takes its ten values as $1..$10 in the order the raw routes give them', () => {
    expect(AUDIT_INSERT_SQL).toMatch(
      /^insert into "audit_event_pending" \("user_id", "roles", "action", "resource_type", "resource_id", "subject_ids", "outcome", "request_id", "client_address", "details"\) values \(\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10\)$/,
    );
    const { parameters } = repository
      .insert(actor, { action: 'user.read', resourceType: 'user', details: { a: [1] } })
      .compile();
    expect(parameters).toEqual([
      actor.userId,
      [],
      'user.read',
      'user',
      null,
      [],
      AuditOutcome.Allowed,
      'r-1',
      '10.0.0.1',
      '{"a":[1]}',
    ]);
  });

  it('composes as a data-modifying CTE of the change’s own statement, compiled once and bound per call', () => {
    const statement = fixedStatement((p: Placeholders<{ id: string } & AuditValues>) =>
      db
        .with('changed', (q) =>
          q
            .updateTable('app_user')
            .set({ enabled: sql<boolean>`true` })
            .where('id', '=', p.id)
            .returning(['id', 'email']),
        )
        .with('audited', () =>
          repository.insertFrom(p, {
            cte: 'changed',
            resourceId: sql.ref('changed.id'),
            details: sql`jsonb_build_object('email', changed.email)`,
          }),
        )
        .selectFrom('changed')
        .selectAll(),
    );
    const values = repository.valuesOf(actor, {
      action: 'user.update',
      resourceType: 'user',
      details: { x: 1 },
    });
    const first = statement({ id: 'u1', ...values });
    expect(first.sql).toContain('"audited" as (insert into "audit_event_pending" ("user_id"');
    expect(first.sql).toContain('("changed"."id")::text');
    expect(first.sql).toContain(`|| (jsonb_build_object('email', changed.email))`);
    expect(first.sql).toContain('FROM "changed")');
    // One placeholder per value, in the order the statement first uses them; the text is the same every call.
    expect(first.parameters).toEqual([
      'u1',
      '{"x":1}',
      actor.userId,
      [],
      'user.update',
      'user',
      [],
      AuditOutcome.Allowed,
      'r-1',
      '10.0.0.1',
    ]);
    const second = statement({ id: 'u2', ...values, auditRequestId: 'r-2' });
    expect(second.sql).toBe(first.sql);
    expect(second.parameters[0]).toBe('u2');
    expect(second.parameters[8]).toBe('r-2');
  });

  it('refuses a fixed statement that carries a value of its own', () => {
    const statement = fixedStatement((p: Placeholders<{ id: string }>) =>
      db.selectFrom('app_user').select('id').where('id', '=', p.id).where('email', '=', 'a@b'),
    );
    expect(() => statement({ id: 'u' })).toThrow(/carries values of its own/);
  });
});
