import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../common/queues.js';
import { AuditVerifyProcessor } from './audit-verify.processor.js';

/** The audit trail's background work (worker process only; AuditService comes from the global AuditModule). */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.audit })],
  providers: [AuditVerifyProcessor],
})
export class AuditWorkerModule {}
