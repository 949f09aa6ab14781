import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CsvBody } from '../../common/body.js';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { CommonError, Problem, ProblemException } from '../../common/problem.js';
import { uuidPipe } from '../../common/validation.js';
import {
  CreateDepartmentRequest,
  CreateMemberRequest,
  CreatePostRequest,
  DepartmentPage,
  DepartmentQuery,
  DepartmentView,
  IMPORT_COLUMNS,
  ImportResult,
  MemberPage,
  MemberQuery,
  MemberView,
  PostPage,
  PostQuery,
  PostView,
  UpdateDepartmentRequest,
  UpdateMemberRequest,
  UpdatePostRequest,
} from './dto/workforce.dto.js';
import { OrganisationService } from './organisation.service.js';
import { WorkforceImportService } from './workforce-import.service.js';
import { WorkforceService } from './workforce.service.js';

const MANAGERS = [Role.VettingOfficer, Role.Supervisor, Role.Admin];

@ApiTags('workforce')
@ApiBearerAuth()
@Roles(...MANAGERS)
@Controller('workforce')
export class WorkforceController {
  constructor(
    private readonly workforce: WorkforceService,
    private readonly organisation: OrganisationService,
    private readonly importer: WorkforceImportService,
  ) {}

  // ---- departments ----
  @Post('departments')
  @ApiOperation({ summary: 'Create a department' })
  @ApiCreatedResponse({ type: DepartmentView })
  createDepartment(
    @CurrentActor() actor: Actor,
    @Body() body: CreateDepartmentRequest,
  ): Promise<DepartmentView> {
    return this.organisation.createDepartment(actor, body);
  }

  @Get('departments')
  @ApiOperation({ summary: 'List departments' })
  @ApiOkResponse({ type: DepartmentPage })
  listDepartments(@CurrentActor() actor: Actor, @Query() query: DepartmentQuery): Promise<DepartmentPage> {
    return this.organisation.listDepartments(actor, query);
  }

  @Get('departments/:id')
  @ApiOperation({ summary: 'One department' })
  @ApiOkResponse({ type: DepartmentView })
  getDepartment(@Param('id', uuidPipe('id')) id: string): Promise<DepartmentView> {
    return this.organisation.getDepartment(id);
  }

  @Patch('departments/:id')
  @ApiOperation({ summary: 'Rename or re-code a department' })
  @ApiOkResponse({ type: DepartmentView })
  updateDepartment(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdateDepartmentRequest,
  ): Promise<DepartmentView> {
    return this.organisation.updateDepartment(actor, id, body);
  }

  // ---- posts ----
  @Post('posts')
  @ApiOperation({ summary: 'Create a post in a department' })
  @ApiCreatedResponse({ type: PostView })
  createPost(@CurrentActor() actor: Actor, @Body() body: CreatePostRequest): Promise<PostView> {
    return this.organisation.createPost(actor, body);
  }

  @Get('posts')
  @ApiOperation({ summary: 'List posts' })
  @ApiOkResponse({ type: PostPage })
  listPosts(@Query() query: PostQuery): Promise<PostPage> {
    return this.organisation.listPosts(query);
  }

  @Get('posts/:id')
  @ApiOperation({ summary: 'One post' })
  @ApiOkResponse({ type: PostView })
  getPost(@Param('id', uuidPipe('id')) id: string): Promise<PostView> {
    return this.organisation.getPost(id);
  }

  @Patch('posts/:id')
  @ApiOperation({
    summary: 'Update a post; a new required level re-checks everyone in it',
    description:
      'Separation of duties: nobody changes the post they hold (its required level is their own vetting requirement): 403 `separation_of_duties`, audited as denied.',
  })
  @ApiOkResponse({ type: PostView })
  @ApiForbiddenResponse({
    type: Problem,
    description: '`separation_of_duties`: the caller holds this post; or the role may not update posts',
  })
  updatePost(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdatePostRequest,
  ): Promise<PostView> {
    return this.organisation.updatePost(actor, id, body);
  }

  // ---- import ----
  @Post('import')
  @ApiOperation({
    summary:
      'Bulk import from the HR system (text/csv): all rows applied, or none and a 422 listing every bad row',
    description:
      `Header row with columns (any order): ${IMPORT_COLUMNS.join(', ')}. Required: staff_number, member_type, ` +
      'given_name, family_name. Rows insert or update by staff_number. An optional column left out of the header ' +
      'keeps what is stored; an empty cell clears it. Dates are YYYY-MM-DD; department_code and post_code name ' +
      'existing departments and posts. The 422 lists rowErrors (line, column, message).',
  })
  @ApiConsumes('text/csv')
  @CsvBody()
  @ApiBody({
    description:
      'The CSV file (`format: binary`: Swagger UI offers a file to choose), sent as the text/csv body',
    schema: {
      type: 'string',
      format: 'binary',
      example:
        'staff_number,member_type,given_name,family_name,rank_or_grade,department_code,post_code,start_date,leave_date\n' +
        'DS4127,officer,Karen,Holloway,Detective Sergeant,PSD-CCU,PSD-CCU-DS,2014-09-01,\n' +
        'S70213,staff,Tom,Ashworth,Intelligence Analyst,PSD-CCU,,2021-02-15,\n',
    },
  })
  @ApiCreatedResponse({ type: ImportResult })
  @ApiUnprocessableEntityResponse({
    type: Problem,
    description:
      'import_rejected (rowErrors: line, column, message), invalid_csv (unreadable, empty, no rows) or invalid_csv_header; nothing imported',
  })
  async import(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ImportResult> {
    if (typeof request.body !== 'string') {
      throw new ProblemException({
        status: 415,
        code: CommonError.UnsupportedMediaType,
        detail: 'Send the import as text/csv',
      });
    }
    return this.importer.import(actor, request.body);
  }

  // ---- members ----
  @Post()
  @ApiOperation({ summary: 'Add a workforce member' })
  @ApiCreatedResponse({ type: MemberView })
  createMember(@CurrentActor() actor: Actor, @Body() body: CreateMemberRequest): Promise<MemberView> {
    return this.workforce.createMember(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Workforce members by staff number, with their vetting state today' })
  @ApiOkResponse({ type: MemberPage })
  listMembers(@CurrentActor() actor: Actor, @Query() query: MemberQuery): Promise<MemberPage> {
    return this.workforce.listMembers(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One workforce member' })
  @ApiOkResponse({ type: MemberView })
  getMember(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<MemberView> {
    return this.workforce.getMember(actor, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a member; a change of post or dates re-checks their vetting at once',
    description:
      'Nobody changes their own record (post, dates, and so their vetting requirement): 404 as for a member that does not exist, audited as denied.',
  })
  @ApiOkResponse({ type: MemberView })
  updateMember(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdateMemberRequest,
  ): Promise<MemberView> {
    return this.workforce.updateMember(actor, id, body);
  }
}
