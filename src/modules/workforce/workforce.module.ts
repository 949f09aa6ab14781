import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Department } from './department.entity.js';
import { DirectoryLookupRepository } from './directory-lookup.repository.js';
import { Post } from './post.entity.js';
import { WorkforceImportService } from './workforce-import.service.js';
import { WorkforceMember } from './workforce-member.entity.js';
import { WorkforceController } from './workforce.controller.js';
import { WorkforceService } from './workforce.service.js';

/**
 * Workforce members, departments and posts. Other modules use WorkforceService (e.g. assertExists). The
 * import's text/csv body parser is the API's (`registerCsvParser`), for its `@CsvBody()` route only.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WorkforceMember, Department, Post])],
  controllers: [WorkforceController],
  providers: [WorkforceService, WorkforceImportService, DirectoryLookupRepository],
  exports: [WorkforceService],
})
export class WorkforceModule {}
