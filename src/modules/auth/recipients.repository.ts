import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../../database/sql.js';
import { Role } from '../../common/auth/roles.js';

/** The SQL of who a reminder can reach (enabled users, their e-mail and workforce link). */
@Injectable()
export class RecipientsRepository {
  /** Enabled users among `ids`, and every enabled supervisor when `supervisors`. */
  find(tx: EntityManager, ids: readonly string[], supervisors: boolean) {
    return all(
      tx,
      db
        .selectFrom('app_user as u')
        .select([
          'u.id',
          'u.email',
          'u.workforce_member_id',
          sql<boolean>`${Role.Supervisor}::user_role = ANY(u.roles)`.as('supervisor'),
        ])
        .where('u.enabled', '=', true)
        .where((eb) =>
          eb.or([
            eb(sql<boolean>`u.id = ANY(${[...ids]}::uuid[])`, '=', true),
            ...(supervisors
              ? [eb(sql<boolean>`${Role.Supervisor}::user_role = ANY(u.roles)`, '=', true)]
              : []),
          ]),
        ),
    );
  }

  /** The e-mail addresses of `ids` (enabled users). */
  emails(tx: EntityManager, ids: readonly string[]) {
    return all(
      tx,
      db
        .selectFrom('app_user as u')
        .select(['u.id', 'u.email'])
        .where('u.enabled', '=', true)
        .where(sql<boolean>`u.id = ANY(${[...ids]}::uuid[])`),
    );
  }
}
