import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../common/queues.js';
import { AuditVerifyProcessor } from './audit-verify.processor.js';
import { AuditService } from './audit.service.js';

/** The audit trail's background work (worker process only). */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.audit })],
  providers: [AuditService, AuditVerifyProcessor],
})
export class AuditWorkerModule {}
