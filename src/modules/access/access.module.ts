import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service.js';

/** Global, beside the global AuditModule: the access policy (access.policy.ts) and its one gate for direct reads (AccessService.requireVisible). */
@Global()
@Module({ providers: [AccessService], exports: [AccessService] })
export class AccessModule {}
