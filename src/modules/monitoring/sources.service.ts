import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { ProblemException, problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import type { SourceView, SourceWithKey } from './dto/monitoring.dto.js';
import { MonitoringAudit, MonitoringError, MonitoringResource } from './monitoring.codes.js';
import { MonitoringRepository, type SourceRow } from './monitoring.repository.js';

/** The header a source system sends its key in. */
export const SOURCE_KEY_HEADER = 'x-source-key';

const hashOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** A fresh key: 256 random bits; only its SHA-256 is stored (a high-entropy key needs no slow hash). */
function newKey(): { key: string; hash: Buffer; prefix: string } {
  const key = `lmk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashOf(key), prefix: key.slice(0, 12) };
}

const toView = (r: SourceRow): SourceView => ({
  id: r.id,
  name: r.name,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at.toISOString(),
  rotatedAt: r.rotated_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Source systems and their API keys: created, rotated and revoked by an admin; every change audited. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly repository: MonitoringRepository,
  ) {}

  create(actor: Actor, name: string): Promise<SourceWithKey> {
    const { key, hash, prefix } = newKey();
    return this.tx.write(async (m) => {
      const row = await this.repository.createSource(m, name.trim(), hash, prefix, actor.userId);
      if (!row) throw problems.invalid('name', 'unique', 'a source system of that name exists');
      await this.audit.record(m, actor, {
        action: MonitoringAudit.SourceCreate,
        resourceType: MonitoringResource.Source,
        resourceId: row.id,
        details: { name: row.name, keyPrefix: prefix },
      });
      return { ...toView(row), key };
    });
  }

  list(actor: Actor): Promise<SourceView[]> {
    return this.tx.read(
      async (m) => (await this.repository.listSources(m)).map(toView),
      (m) =>
        this.audit.record(m, actor, {
          action: MonitoringAudit.SourceList,
          resourceType: MonitoringResource.Source,
        }),
    );
  }

  rotate(actor: Actor, id: string): Promise<SourceWithKey> {
    const { key, hash, prefix } = newKey();
    return this.tx.write(async (m) => {
      const row = await this.repository.rotateSource(m, id, hash, prefix);
      if (!row) throw problems.notFound('source system (or it is revoked)');
      await this.audit.record(m, actor, {
        action: MonitoringAudit.SourceRotate,
        resourceType: MonitoringResource.Source,
        resourceId: id,
        details: { keyPrefix: prefix },
      });
      return { ...toView(row), key };
    });
  }

  revoke(actor: Actor, id: string): Promise<SourceView> {
    return this.tx.write(async (m) => {
      const row = await this.repository.revokeSource(m, id);
      if (!row) throw problems.notFound('source system');
      await this.audit.record(m, actor, {
        action: MonitoringAudit.SourceRevoke,
        resourceType: MonitoringResource.Source,
        resourceId: id,
      });
      return toView(row);
    });
  }

  /** The source a key belongs to; a missing, wrong or revoked key is a 401 (the same answer for each). */
  async authenticate(key: string | undefined): Promise<{ id: string; name: string }> {
    const refused = () =>
      new ProblemException({
        status: HttpStatus.UNAUTHORIZED,
        code: MonitoringError.InvalidSourceKey,
        detail: `A valid source system key is required in the ${SOURCE_KEY_HEADER} header`,
      });
    if (!key || key.length > 200) throw refused();
    const row = await this.tx.read((m) => this.repository.sourceByKey(m, hashOf(key)));
    if (!row || row.revoked_at) throw refused();
    return { id: row.id, name: row.name };
  }
}
