import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { sendCsv, toCsv } from '../../common/csv.js';
import { Problem } from '../../common/problem.js';
import {
  CapacityQuery,
  FigureFormat,
  type FigureRow,
  FigureTable,
  FiguresQuery,
  MisconductReturn,
  MisconductReturnQuery,
  VettingFiguresQuery,
} from './dto/figures.dto.js';
import { CALLER_RECORDS_EXCLUDED_HEADER } from '../access/access.policy.js';
import { ApiCsvExample } from '../../common/openapi.js';
import { MISCONDUCT_RETURN_COLUMNS } from './figures.repository.js';
import {
  CAPACITY,
  CASES,
  INTELLIGENCE,
  REFERRALS,
  returnCsv,
  returnExample,
  tableCsv,
  tableExample,
  VETTING,
} from './figures.examples.js';
import { FiguresService } from './figures.service.js';
import { CAPACITY_COLUMNS, VETTING_COLUMNS } from './month-figures.repository.js';
import { INTELLIGENCE_COLUMNS } from './intelligence-figures.repository.js';
import { CASE_COLUMNS, REFERRAL_COLUMNS } from './year-figures.repository.js';

// The examples of each figure (JSON and CSV), from its real columns (figures.examples.ts).
const REFERRALS_EXAMPLE = tableExample(
  'referrals',
  'recorded',
  'IOPC referrals (one per case); the misconduct_*, criminal_* and subjects columns count people in the referred cases',
  REFERRAL_COLUMNS,
  REFERRALS,
);
const CASES_EXAMPLE = tableExample(
  'cases',
  'recorded',
  'People in cases (a person counts once per case); one row per year and member type, member_type all sums them',
  CASE_COLUMNS,
  CASES,
);
const INTELLIGENCE_EXAMPLE = tableExample(
  'intelligence',
  'recorded',
  'Intelligence reports received, graded and decided',
  INTELLIGENCE_COLUMNS,
  INTELLIGENCE,
);
const VETTING_EXAMPLE = tableExample(
  'vetting',
  'state_on_date',
  'Workforce members in service, by vetting state',
  VETTING_COLUMNS,
  VETTING,
  true,
);
const CAPACITY_EXAMPLE = tableExample(
  'capacity',
  'open_at_date',
  'Open items and the people working them',
  CAPACITY_COLUMNS,
  CAPACITY,
  true,
);

/** The CSV's statement of the instant the figures are as of (JSON: `asAt`). */
export const AS_AT_HEADER = 'Figures-As-At';

const NEGOTIATION = `JSON by default, every row keyed by its columns' camelCase \`key\`; the same table as CSV with \`Accept: text/csv\` or \`?format=csv\` (rows, then the total row; headers: the columns' snake_case \`csvHeader\`). Records concerning the caller are left out: \`callerRecordsExcluded\` in JSON, the \`${CALLER_RECORDS_EXCLUDED_HEADER}\` header on CSV. The instant the figures are as of: \`asAt\` in JSON, the \`${AS_AT_HEADER}\` header on CSV.`;

/** The CSV's note that records concerning the caller were left out (JSON: `callerRecordsExcluded`). */
const EXCLUDED_HEADER = {
  [CALLER_RECORDS_EXCLUDED_HEADER]: {
    description:
      'On CSV: true when the caller is linked to a workforce member and records concerning them are left out (as `callerRecordsExcluded` in JSON)',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

/** A figure table's CSV headers: the exclusion note and the instant it is as of. */
const TABLE_HEADERS = {
  ...EXCLUDED_HEADER,
  [AS_AT_HEADER]: {
    description: 'On CSV: the instant the figures are as of (as `asAt` in JSON)',
    schema: { type: 'string', format: 'date-time' },
  },
};

/**
 * CSV when asked for by `format`, else when the Accept header names text/csv before application/json;
 * `csvByDefault` unless JSON is asked for.
 */
export function wantsCsv(
  format: FigureFormat | undefined,
  accept: string | undefined,
  csvByDefault = false,
): boolean {
  if (format) return format === FigureFormat.Csv;
  const a = (accept ?? '').toLowerCase();
  const csv = a.indexOf('text/csv');
  const json = a.indexOf('application/json');
  if (csv >= 0 && (json < 0 || csv < json)) return true;
  return csvByDefault && json < 0;
}

const slug = (year: string): string => year.replace('/', '-');

function sendTable(reply: FastifyReply, table: FigureTable, csv: boolean): void {
  if (!csv) {
    void reply.header('content-type', 'application/json; charset=utf-8').send(table);
    return;
  }
  const rows: FigureRow[] = [
    ...table.rows,
    ...(table.totalsByMemberType ?? []),
    ...(table.total ? [table.total] : []),
  ];
  const name = `${table.figure}-${slug(table.filters.from)}-to-${slug(table.filters.to)}-${table.basis}.csv`;
  void reply.header(CALLER_RECORDS_EXCLUDED_HEADER, String(table.callerRecordsExcluded));
  void reply.header(AS_AT_HEADER, table.asAt);
  sendCsv(
    reply,
    name,
    toCsv(
      table.columns.map((c) => c.key),
      rows,
      table.columns.map((c) => c.csvHeader),
    ),
  );
}

@ApiTags('figures')
@ApiBearerAuth()
@Roles(Role.Supervisor, Role.Auditor)
@ApiBadRequestResponse({
  type: Problem,
  description: 'validation_failed: unknown category, malformed or backwards financial year, ...',
})
@Controller('figures')
export class FiguresController {
  constructor(private readonly figures: FiguresService) {}

  @Get('referrals')
  @ApiOperation({
    summary:
      'IOPC referrals per financial year with their outcomes (pending always a column) and a total row',
    description: NEGOTIATION,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FigureTable, headers: TABLE_HEADERS, example: REFERRALS_EXAMPLE })
  @ApiCsvExample(tableCsv(REFERRALS_EXAMPLE))
  async referrals(
    @CurrentActor() actor: Actor,
    @Query() query: FiguresQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendTable(reply, await this.figures.referrals(actor, query), wantsCsv(query.format, accept));
  }

  @Get('cases')
  @ApiOperation({
    summary:
      'People in cases per financial year and member type: proceedings, proven, outcomes (Home Office shape)',
    description: NEGOTIATION,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FigureTable, headers: TABLE_HEADERS, example: CASES_EXAMPLE })
  @ApiCsvExample(tableCsv(CASES_EXAMPLE))
  async cases(
    @CurrentActor() actor: Actor,
    @Query() query: FiguresQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendTable(reply, await this.figures.cases(actor, query), wantsCsv(query.format, accept));
  }

  @Get('intelligence')
  @ApiOperation({
    summary: 'Intelligence per financial year: category, source type, grading, decisions, days to decision',
    description: NEGOTIATION,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FigureTable, headers: TABLE_HEADERS, example: INTELLIGENCE_EXAMPLE })
  @ApiCsvExample(tableCsv(INTELLIGENCE_EXAMPLE))
  async intelligence(
    @CurrentActor() actor: Actor,
    @Query() query: FiguresQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendTable(reply, await this.figures.intelligence(actor, query), wantsCsv(query.format, accept));
  }

  @Get('vetting')
  @ApiOperation({
    summary: 'Vetting compliance at each month end of the range and today, from the clearance history',
    description: `Default range: the current financial year. ${NEGOTIATION}`,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FigureTable, headers: TABLE_HEADERS, example: VETTING_EXAMPLE })
  @ApiCsvExample(tableCsv(VETTING_EXAMPLE))
  async vetting(
    @CurrentActor() actor: Actor,
    @Query() query: VettingFiguresQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendTable(reply, await this.figures.vetting(actor, query), wantsCsv(query.format, accept));
  }

  @Get('capacity')
  @ApiOperation({
    summary:
      'Open intelligence and cases per analyst and investigator, oldest item, items past target, by month',
    description: `Default range: the current financial year. ${NEGOTIATION}`,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FigureTable, headers: TABLE_HEADERS, example: CAPACITY_EXAMPLE })
  @ApiCsvExample(tableCsv(CAPACITY_EXAMPLE))
  async capacity(
    @CurrentActor() actor: Actor,
    @Query() query: CapacityQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendTable(reply, await this.figures.capacity(actor, query), wantsCsv(query.format, accept));
  }

  @Get('returns/misconduct')
  @ApiOperation({
    summary: 'The Home Office police misconduct return: one row per case and person finalised in the year',
    description:
      'CSV by default; JSON with `?format=json` or `Accept: application/json`. No names or narrative. Cases concerning the caller are left out.',
  })
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({
    type: MisconductReturn,
    headers: EXCLUDED_HEADER,
    example: returnExample(MISCONDUCT_RETURN_COLUMNS),
  })
  @ApiCsvExample(returnCsv(MISCONDUCT_RETURN_COLUMNS))
  async misconductReturn(
    @CurrentActor() actor: Actor,
    @Query() query: MisconductReturnQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!wantsCsv(query.format, accept, true)) {
      const result = await this.figures.misconductReturn(actor, query);
      void reply.header('content-type', 'application/json; charset=utf-8').send(result);
      return;
    }
    const { year, csv, callerRecordsExcluded } = await this.figures.misconductReturnCsv(actor, query);
    void reply.header(CALLER_RECORDS_EXCLUDED_HEADER, String(callerRecordsExcluded));
    sendCsv(reply, `misconduct-return-${slug(year)}.csv`, csv);
  }
}
