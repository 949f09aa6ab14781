import { sql } from 'kysely';
import { db } from '../../database/sql.js';
import { AuditRepository } from './audit.repository.js';
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

  it('composes as a data-modifying CTE of the change’s own statement', () => {
    const audited = repository.insertFrom(
      actor,
      { action: 'user.update', resourceType: 'user', details: { x: 1 } },
      {
        cte: 'changed',
        resourceId: sql.ref('changed.id'),
        details: sql`jsonb_build_object('email', changed.email)`,
      },
    );
    const statement = db
      .with('changed', (q) =>
        q.updateTable('app_user').set({ enabled: true }).where('id', '=', 'u').returning(['id', 'email']),
      )
      .with('audited', () => audited)
      .selectFrom('changed')
      .selectAll()
      .compile();
    expect(statement.sql).toContain('"audited" as (insert into "audit_event_pending" ("user_id"');
    expect(statement.sql).toContain('("changed"."id")::text');
    expect(statement.sql).toContain(`|| (jsonb_build_object('email', changed.email))`);
    expect(statement.sql).toContain('FROM "changed")');
    expect(statement.parameters).toHaveLength(2 + 9);
  });
});
