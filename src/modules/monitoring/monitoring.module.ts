import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { IntelligenceModule } from '../intelligence/intelligence.module.js';
import { FlagsService } from './flags.service.js';
import { IngestService } from './ingest.service.js';
import { MonitoringController } from './monitoring.controller.js';
import { MonitoringRepository } from './monitoring.repository.js';
import { RulesRepository } from './rules.repository.js';
import { RulesService } from './rules.service.js';
import { SourcesService } from './sources.service.js';

/**
 * ICT access monitoring: source systems and their keys, the day-partitioned event store, the rules and their
 * trials, flags under need to know, and the leads they become (through intelligence's RecordingService). The
 * open-case rule reads open cases' subjects and teams through CasesService; vetting's DeclaredAssociations port
 * is bound by DeclaredAssociationsModule (declared-associations.service.ts).
 */
@Module({
  imports: [IntelligenceModule, CasesModule],
  controllers: [MonitoringController],
  providers: [
    MonitoringRepository,
    RulesRepository,
    SourcesService,
    IngestService,
    RulesService,
    FlagsService,
  ],
  exports: [RulesService, IngestService, SourcesService],
})
export class MonitoringModule {}
