import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { IntelligenceController } from './intelligence.controller.js';
import { IntelligenceRepository } from './intelligence.repository.js';
import { LifecycleRepository } from './lifecycle.repository.js';
import { LifecycleService } from './lifecycle.service.js';
import { QueueRepository } from './queue.repository.js';
import { QueueService } from './queue.service.js';
import { RecordingService } from './recording.service.js';
import { ReportViews } from './report-views.js';
import { SearchService } from './search.service.js';
import { ReportReferencesRepository } from './report-references.repository.js';
import { ReportReferencesService } from './report-references.service.js';

/**
 * Corruption intelligence: recording, the lifecycle, the assessment queue and search. Its SQL is in its
 * repositories and touches only the intelligence tables; subjects' names come from workforce, assignees from
 * users, referred cases from cases. `SearchService` serves the subject profile (src/modules/profile).
 */
@Module({
  imports: [AuthModule, CasesModule, WorkforceModule],
  controllers: [IntelligenceController],
  providers: [
    IntelligenceRepository,
    LifecycleRepository,
    QueueRepository,
    ReportViews,
    RecordingService,
    LifecycleService,
    QueueService,
    SearchService,
    ReportReferencesRepository,
    ReportReferencesService,
  ],
  exports: [SearchService, ReportReferencesService, RecordingService],
})
export class IntelligenceModule {}
