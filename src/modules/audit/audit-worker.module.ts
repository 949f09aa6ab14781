import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../common/queues.js';
import { AuditProcessor } from './audit.processor.js';

/** The audit trail's background work (worker process only; AuditService comes from the global AuditModule). */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.audit })],
  providers: [AuditProcessor],
})
export class AuditWorkerModule {}
