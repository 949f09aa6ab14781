import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RecipientsRepository } from './recipients.repository.js';

/** A user a reminder may reach. */
export interface Recipient {
  id: string;
  email: string;
  /** The workforce member the user is (the access policy keeps records about them from them). */
  workforceMemberId: string | null;
  supervisor: boolean;
}

/** For the worker's reminders (notifications module): who they can reach, and where to mail them. */
@Injectable()
export class RecipientsService {
  constructor(private readonly repository: RecipientsRepository) {}

  /** Enabled users among `ids` and, with `supervisors`, every enabled supervisor; by id. */
  async find(
    tx: EntityManager,
    ids: readonly string[],
    supervisors: boolean,
  ): Promise<Map<string, Recipient>> {
    const rows = await this.repository.find(tx, ids, supervisors);
    return new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, email: r.email, workforceMemberId: r.workforce_member_id, supervisor: r.supervisor },
      ]),
    );
  }

  /** E-mail addresses of enabled users among `ids`, by id. */
  async emails(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.repository.emails(tx, ids)).map((r) => [r.id, r.email]));
  }
}

/** The reminders' recipients alone (the worker imports this, not the whole auth module). */
@Module({ providers: [RecipientsRepository, RecipientsService], exports: [RecipientsService] })
export class RecipientsModule {}
