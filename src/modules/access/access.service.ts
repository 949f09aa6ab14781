import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { problems } from '../../common/problem.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import { AccessAudit } from './access.codes.js';
import { mayConcern, RecordKind } from './access.policy.js';
import { AccessRepository } from './access.repository.js';

/** How a kind of record is named in a 404 ("intelligence report not found"). */
const NOUNS: Partial<Record<RecordKind, string>> = {
  [RecordKind.IntelligenceReport]: 'intelligence report',
  [RecordKind.Case]: 'case',
  [RecordKind.WorkforceMember]: 'workforce member',
  [RecordKind.Clearance]: 'clearance',
  [RecordKind.Alert]: 'alert',
  [RecordKind.Declaration]: 'declaration',
  [RecordKind.MonitoringFlag]: 'monitoring flag',
};

export interface Visible {
  /** The workforce members the record concerns (for the caller's own audit row). */
  subjectIds: string[];
}

/**
 * The one gate for a direct read or action on a record by id. A record that does not exist and one the
 * actor may not see get the same answer by the same work: one query, one denied audit row written on its own
 * connection (kept although the request fails; probing for ids is itself worth auditing), then the same 404.
 * The denied row names the members the record concerns, so "who tried to look at records about W" finds it.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly audit: AuditService,
    private readonly repository: AccessRepository,
  ) {}

  async requireVisible(
    tx: EntityManager,
    actor: Actor,
    kind: RecordKind,
    id: string,
    action: string,
  ): Promise<Visible> {
    const found = await this.repository.membersOf(tx, kind, id);
    if (found && mayConcern(actor, found)) return { subjectIds: found };
    await this.refused(actor, kind, id, action, found ?? []);
    throw problems.notFound(NOUNS[kind] ?? kind);
  }

  /** The denied audit row of a refused direct read (missing or hidden alike). */
  private refused(
    actor: Actor,
    kind: RecordKind,
    id: string,
    action: string,
    members: string[],
  ): Promise<void> {
    return this.audit.recordAlone(actor, {
      action,
      resourceType: kind,
      resourceId: id,
      subjectIds: members,
      outcome: AuditOutcome.Denied,
      details: { reason: AccessAudit.NotVisible },
    });
  }
}
