import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { sendCsv, toCsv } from '../../common/csv.js';
import { AuditService } from './audit.service.js';
import { AuditEventPage, AuditQuery, AuditVerification, type AuditEventView } from './dto/audit.dto.js';

const CSV_COLUMNS: (keyof AuditEventView)[] = [
  'seq',
  'occurredAt',
  'userId',
  'roles',
  'action',
  'resourceType',
  'resourceId',
  'subjectIds',
  'outcome',
  'requestId',
  'clientAddress',
  'details',
];

@ApiTags('audit')
@ApiBearerAuth()
@Roles(Role.Auditor)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @ApiOperation({
    summary: 'Search the audit trail',
    description: 'e.g. `?subjectId=<workforce member>&from=<a year ago>`: who looked at anything about them.',
  })
  @ApiOkResponse({ type: AuditEventPage })
  events(@CurrentActor() actor: Actor, @Query() query: AuditQuery): Promise<AuditEventPage> {
    return this.audit.search(actor, query);
  }

  @Get('events.csv')
  @ApiOperation({ summary: 'The same search as CSV (every matching event, up to 100,000)' })
  @ApiProduces('text/csv')
  async eventsCsv(
    @CurrentActor() actor: Actor,
    @Query() query: AuditQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const rows = await this.audit.export(actor, query);
    sendCsv(reply, 'audit-events.csv', toCsv(CSV_COLUMNS, rows));
  }

  @Get('verify')
  @ApiOperation({ summary: 'Check the hash chain; reports the first sequence number that fails' })
  @ApiOkResponse({ type: AuditVerification })
  verify(@CurrentActor() actor: Actor): Promise<AuditVerification> {
    return this.audit.verify(actor);
  }
}
