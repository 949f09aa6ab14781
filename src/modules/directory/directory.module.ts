import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { IntelligenceModule } from '../intelligence/intelligence.module.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { DirectoryController } from './directory.controller.js';
import { DirectoryService } from './directory.service.js';

/**
 * People lookup, display names and reference lookup (issue 24's API additions for the console), answered by
 * the modules that own the data (auth, workforce, intelligence, cases) through their exported services.
 */
@Module({
  imports: [AuthModule, WorkforceModule, IntelligenceModule, CasesModule],
  controllers: [DirectoryController],
  providers: [DirectoryService],
})
export class DirectoryModule {}
