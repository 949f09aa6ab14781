import { Global, Module } from '@nestjs/common';
import { AccessAuditor } from '../../common/auth/access.guard.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Global: every module audits through the one AuditService (the auditors' routes: AuditTrailModule). */
@Global()
@Module({
  providers: [AuditRepository, AuditService, { provide: AccessAuditor, useExisting: AuditService }],
  exports: [AuditService, AccessAuditor],
})
export class AuditModule {}
