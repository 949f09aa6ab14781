import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { ALL_ROLES, Role } from '../../common/auth/roles.js';
import { Problem } from '../../common/problem.js';
import { DirectoryService } from './directory.service.js';
import {
  DepartmentNames,
  PeopleLookup,
  PeopleLookupQuery,
  ReferenceParam,
  ReferenceView,
  UserNames,
  UserNamesQuery,
} from './dto/directory.dto.js';

/** Names and references: what the console shows beside ids, and how a person or record is found. */
@ApiTags('directory')
@ApiBearerAuth()
@Roles(...ALL_ROLES)
@Controller('directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('people')
  @ApiOperation({
    summary:
      'Find workforce members by staff number or name (name, staff number, rank, department; no vetting data). Audited',
  })
  @ApiOkResponse({ type: PeopleLookup })
  people(@CurrentActor() actor: Actor, @Query() query: PeopleLookupQuery): Promise<PeopleLookup> {
    return this.directory.people(actor, query);
  }

  @Get('users')
  @ApiOperation({ summary: "Users' display names and roles (no emails), e.g. the analysts to assign to" })
  @ApiOkResponse({ type: UserNames })
  users(@Query() query: UserNamesQuery): Promise<UserNames> {
    return this.directory.users(query);
  }

  @Get('departments')
  @ApiOperation({ summary: "Departments' codes and names" })
  @ApiOkResponse({ type: DepartmentNames })
  departments(): Promise<DepartmentNames> {
    return this.directory.departments();
  }

  @Roles(Role.Analyst, Role.Supervisor, Role.Auditor)
  @Get('references/:reference')
  @ApiOperation({
    summary:
      'An intelligence report or case by its reference (INT-…, CASE-…); one the caller may not see answers like a missing one',
  })
  @ApiOkResponse({ type: ReferenceView })
  @ApiNotFoundResponse({
    type: Problem,
    description: 'not_found: no report or case with this reference, or one the caller may not see',
  })
  reference(@CurrentActor() actor: Actor, @Param() params: ReferenceParam): Promise<ReferenceView> {
    return this.directory.reference(actor, params.reference);
  }
}
