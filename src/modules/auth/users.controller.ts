import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { Problem } from '../../common/problem.js';
import { uuidPipe } from '../../common/validation.js';
import {
  CreatedUser,
  CreateUserRequest,
  LinkWorkforceMemberRequest,
  PasswordReset,
  ResetPasswordRequest,
  UpdateRolesRequest,
  UserPage,
  UserQuery,
  UserView,
} from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (a generated password is returned once when none is given)' })
  @ApiCreatedResponse({ type: CreatedUser })
  @ApiUnprocessableEntityResponse({
    type: Problem,
    description: 'separation_of_duties: auditor with analyst or supervisor (unless configured)',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest): Promise<CreatedUser> {
    return this.users.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List users (keyset pages, filters)' })
  @ApiOkResponse({ type: UserPage })
  list(@CurrentActor() actor: Actor, @Query() query: UserQuery): Promise<UserPage> {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: UserView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<UserView> {
    return this.users.get(actor, id);
  }

  @Put(':id/roles')
  @ApiOperation({
    summary: 'Replace another user’s roles (never your own); their tokens stop working at once',
  })
  @ApiOkResponse({ type: UserView })
  @ApiUnprocessableEntityResponse({
    type: Problem,
    description: 'separation_of_duties: auditor with analyst or supervisor (unless configured)',
  })
  @ApiForbiddenResponse({ type: Problem, description: 'cannot_change_own_roles' })
  setRoles(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: UpdateRolesRequest,
  ): Promise<UserView> {
    return this.users.setRoles(actor, id, body);
  }

  @Put(':id/workforce-member')
  @ApiOperation({ summary: 'Link the user to their own workforce record (or unlink with null)' })
  @ApiOkResponse({ type: UserView })
  @ApiForbiddenResponse({ type: Problem, description: 'cannot_change_own_workforce_link' })
  link(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: LinkWorkforceMemberRequest,
  ): Promise<UserView> {
    return this.users.linkWorkforceMember(actor, id, body);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable; every session ends at once' })
  @ApiOkResponse({ type: UserView })
  disable(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<UserView> {
    return this.users.setEnabled(actor, id, false);
  }

  @Post(':id/enable')
  @ApiOperation({ summary: 'Enable a disabled user' })
  @HttpCode(200)
  @ApiOkResponse({ type: UserView })
  @ApiForbiddenResponse({ type: Problem, description: 'cannot_enable_self' })
  enable(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<UserView> {
    return this.users.setEnabled(actor, id, true);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password (generated and returned once when none is given); unlocks' })
  @ApiOkResponse({ type: PasswordReset })
  @ApiForbiddenResponse({ type: Problem, description: 'cannot_reset_own_password' })
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', uuidPipe('id')) id: string,
    @Body() body: ResetPasswordRequest,
  ): Promise<PasswordReset> {
    return this.users.resetPassword(actor, id, body);
  }
}
