import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AuditController } from './audit.controller.js';
import { AuditTrailService } from './audit-trail.service.js';

/**
 * The auditors' routes over the trail, apart from the global AuditModule that every module (auth included)
 * writes through: they name the actors, from the auth module's users.
 */
@Module({
  imports: [AuthModule],
  controllers: [AuditController],
  providers: [AuditTrailService],
})
export class AuditTrailModule {}
