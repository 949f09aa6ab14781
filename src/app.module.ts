import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AppConfig } from './config/app-config.js';
import { CoreModule } from './common/core.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { AccessGuard } from './common/auth/access.guard.js';
import { createValidationPipe, RejectUndeclaredQuery } from './common/validation.js';
import { AccessModule } from './modules/access/access.module.js';
import { MonitoringModule } from './modules/monitoring/monitoring.module.js';
import { QueueBoardModule } from './modules/admin/queue-board.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuditTrailModule } from './modules/audit/audit-trail.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { CasesModule } from './modules/cases/cases.module.js';
import { DirectoryModule } from './modules/directory/directory.module.js';
import { FiguresModule } from './modules/figures/figures.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { IntelligenceModule } from './modules/intelligence/intelligence.module.js';
import { LinkedReportsModule } from './modules/intelligence/linked-reports.service.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { ProfileModule } from './modules/profile/profile.module.js';
import { VettingModule } from './modules/vetting/vetting.module.js';
import { WorkforceModule } from './modules/workforce/workforce.module.js';
import { DeclaredAssociationsModule } from './modules/monitoring/declared-associations.service.js';

/** The HTTP API: every feature module, the global filter, validation (undeclared query parameters refused) and access guard. */
@Module({})
export class AppModule {
  static register(config: AppConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, 'api', logDestination),
        DiscoveryModule,
        HealthModule,
        AuditModule,
        AccessModule,
        AuthModule,
        AuditTrailModule,
        WorkforceModule,
        IntelligenceModule,
        ProfileModule,
        NotificationsModule,
        LinkedReportsModule,
        DeclaredAssociationsModule,
        VettingModule,
        CasesModule,
        FiguresModule,
        QueueBoardModule,
        DirectoryModule,
        MonitoringModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // The global guards, in the order they run: who may call the route, then its query parameters.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RejectUndeclaredQuery },
      ],
    };
  }
}
