import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Transactions } from '../../database/database.module.js';
import { UsersService } from '../auth/users.service.js';
import { AuditService } from './audit.service.js';
import type { AuditEventPage, AuditEventView, AuditQuery } from './dto/audit.dto.js';

/** The auditors' search and export, each event's actor named (one lookup of display names per page). */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  async search(actor: Actor, query: AuditQuery): Promise<AuditEventPage> {
    const page = await this.audit.search(actor, query);
    return { ...page, items: await this.named(page.items) };
  }

  async export(
    actor: Actor,
    query: AuditQuery,
  ): Promise<{ rows: AuditEventView[]; callerRecordsExcluded: boolean }> {
    const found = await this.audit.export(actor, query);
    return { ...found, rows: await this.named(found.rows) };
  }

  private async named(events: AuditEventView[]): Promise<AuditEventView[]> {
    const ids = events.flatMap((e) => (e.userId === null ? [] : [e.userId]));
    const names = await this.tx.read((tx) => this.users.displayNames(tx, ids));
    return events.map((e) => ({ ...e, actorName: e.userId === null ? null : (names.get(e.userId) ?? null) }));
  }
}
