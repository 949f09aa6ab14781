import { Module } from '@nestjs/common';
import { DirectoryLookupRepository } from './directory-lookup.repository.js';
import { OrganisationRepository } from './organisation.repository.js';
import { OrganisationService } from './organisation.service.js';
import { WorkforceImportRepository } from './workforce-import.repository.js';
import { WorkforceImportService } from './workforce-import.service.js';
import { WorkforceController } from './workforce.controller.js';
import { WorkforceRepository } from './workforce.repository.js';
import { WorkforceService } from './workforce.service.js';

/**
 * Workforce members, departments and posts. Other modules use WorkforceService (e.g. assertMembers). The
 * import's text/csv body parser is the API's (`registerCsvParser`), for its `@CsvBody()` route only.
 */
@Module({
  controllers: [WorkforceController],
  providers: [
    WorkforceService,
    OrganisationService,
    WorkforceImportService,
    WorkforceRepository,
    OrganisationRepository,
    WorkforceImportRepository,
    DirectoryLookupRepository,
  ],
  exports: [WorkforceService],
})
export class WorkforceModule {}
