import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { CoreModule } from './common/core.module.js';
import { SchedulesModule } from './common/schedules.js';
import { AuditWorkerModule } from './modules/audit/audit-worker.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { MonitoringWorkerModule } from './modules/monitoring/monitoring.processor.js';
import { NotificationsWorkerModule } from './modules/notifications/reminders.processor.js';
import { VettingWorkerModule } from './modules/vetting/vetting.processor.js';

/** The worker process: BullMQ processors and schedulers only, no HTTP. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.register(config, 'worker'),
        SchedulesModule,
        AuditModule,
        AuditWorkerModule,
        VettingWorkerModule,
        MonitoringWorkerModule,
        NotificationsWorkerModule,
      ],
    };
  }
}
