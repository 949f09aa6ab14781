import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';

/**
 * `npm run bench` only (BENCH_BASELINE_ROUTES=true): bare Fastify routes in the API's own process that do
 * the same work as a Lantern endpoint written as raw SQL on a plain pg pool (same keyset query, same audit
 * insert, one transaction), with none of Nest, TypeORM, validation or the guard. Lantern's endpoints are
 * measured against them in the same run. Never enabled in production.
 */
export function registerBenchBaselines(fastify: FastifyInstance, config: AppConfig): void {
  const db = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    options: config.DATABASE_ROLE ? `-c role=${config.DATABASE_ROLE}` : undefined,
  });
  fastify.addHook('onClose', async () => db.end());

  const inTransaction = async <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  const audit = (c: pg.PoolClient, action: string, resourceType: string, ids: string[]) =>
    c.query(
      `INSERT INTO audit_event (user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, client_address, details)
       VALUES (NULL, '{}', $1, $2, NULL, '{}', 'allowed', 'bench-raw', NULL, $3)`,
      [action, resourceType, { returned: ids }],
    );

  // The users list (admin), first page of 50: keyset on (email, id) + the audit insert.
  fastify.get('/bench/raw/users', async () =>
    inTransaction(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `SELECT u.id, u.email, u.display_name, u.roles::text[] AS roles, u.enabled, u.workforce_member_id,
                u.locked_until, u.version, u.created_at, u.updated_at
           FROM app_user u ORDER BY u.email, u.id LIMIT 51`,
      );
      await audit(
        c,
        'user.list',
        'user',
        rows.slice(0, 50).map((r) => r.id),
      );
      return { items: rows.slice(0, 50), nextCursor: null };
    }),
  );

  // The audit trail search (auditor), first page: keyset on seq + the audit insert.
  fastify.get('/bench/raw/audit-events', async () =>
    inTransaction(async (c) => {
      const { rows } = await c.query(
        `SELECT e.seq, e.occurred_at, e.user_id, e.roles, e.action, e.resource_type, e.resource_id, e.subject_ids,
                e.outcome, e.request_id, e.client_address, e.details
           FROM audit_event e ORDER BY e.seq DESC LIMIT 51`,
      );
      await audit(c, 'audit.search', 'audit_event', []);
      return { items: rows.slice(0, 50), nextCursor: null };
    }),
  );
}
