import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { sendCsv, toCsv } from '../../common/csv.js';
import { ApiCsvExample } from '../../common/openapi.js';
import { CALLER_RECORDS_EXCLUDED_HEADER } from '../access/access.policy.js';
import { AuditService } from './audit.service.js';
import { AuditOutcome } from './audit.types.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditEventPage, AuditQuery, AuditVerification, type AuditEventView } from './dto/audit.dto.js';

const CSV_COLUMNS: (keyof AuditEventView)[] = [
  'seq',
  'occurredAt',
  'userId',
  'actorName',
  'roles',
  'action',
  'resourceType',
  'resourceId',
  'workforceMemberIds',
  'outcome',
  'requestId',
  'clientAddress',
  'details',
];

/** One event of the CSV export's example, as `toCsv` writes it (the route's own columns). */
const CSV_EXAMPLE: AuditEventView = {
  seq: '1042',
  occurredAt: '2026-06-03T09:12:45.000Z',
  userId: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
  actorName: 'Priya Shah',
  roles: ['analyst'],
  action: 'intelligence.read',
  resourceType: 'intelligence_report',
  resourceId: '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70',
  workforceMemberIds: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'],
  outcome: AuditOutcome.Allowed,
  requestId: '5f0c2a8e-3c1b-4c1e-9a51-8d2f0a7c9b11',
  clientAddress: '10.20.4.17',
  details: { reference: 'INT-2026-7KQ2XD' },
};

@ApiTags('audit')
@ApiBearerAuth()
@Roles(Role.Auditor)
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly trail: AuditTrailService,
  ) {}

  @Get('events')
  @ApiOperation({
    summary: 'Search the audit trail',
    description:
      'e.g. `?workforceMemberId=<workforce member>&from=<a year ago>`: who looked at anything about them. Events concerning the caller (a user linked to a workforce member) are left out (`callerRecordsExcluded`).',
  })
  @ApiOkResponse({ type: AuditEventPage })
  events(@CurrentActor() actor: Actor, @Query() query: AuditQuery): Promise<AuditEventPage> {
    return this.trail.search(actor, query);
  }

  @Get('events.csv')
  @ApiOperation({
    summary: 'The same search as CSV (every matching event, up to 100,000)',
    description: `Events concerning the caller are left out, as in the search; the \`${CALLER_RECORDS_EXCLUDED_HEADER}\` header says whether any could have been.`,
  })
  @ApiProduces('text/csv')
  @ApiCsvExample(toCsv(CSV_COLUMNS, [CSV_EXAMPLE]))
  @ApiOkResponse({
    description: 'The events as CSV',
    headers: {
      [CALLER_RECORDS_EXCLUDED_HEADER]: {
        description:
          'true when the caller is linked to a workforce member: events concerning them are left out (as `callerRecordsExcluded` in JSON)',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    },
  })
  async eventsCsv(
    @CurrentActor() actor: Actor,
    @Query() query: AuditQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { rows, callerRecordsExcluded } = await this.trail.export(actor, query);
    void reply.header(CALLER_RECORDS_EXCLUDED_HEADER, String(callerRecordsExcluded));
    sendCsv(reply, 'audit-events.csv', toCsv(CSV_COLUMNS, rows));
  }

  @Get('verify')
  @ApiOperation({ summary: 'Check the hash chain; reports the first sequence number that fails' })
  @ApiOkResponse({ type: AuditVerification })
  verify(@CurrentActor() actor: Actor): Promise<AuditVerification> {
    return this.audit.verify(actor);
  }
}
