import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Public, Roles } from '../../common/auth/roles.decorator.js';
import { ALL_ROLES } from '../../common/auth/roles.js';
import { Problem } from '../../common/problem.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordRequest, LoginRequest, Me, RefreshRequest, TokenPair } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; every failure is the same 401' })
  @ApiOkResponse({ type: TokenPair })
  @ApiUnauthorizedResponse({ type: Problem })
  @ApiTooManyRequestsResponse({
    type: Problem,
    description: 'too_many_login_attempts (this address) or login_locked (this account)',
  })
  login(@CurrentActor() actor: Actor, @Body() body: LoginRequest): Promise<TokenPair> {
    return this.auth.login(actor, body);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token (once) for a new pair; reuse revokes the session' })
  @ApiOkResponse({ type: TokenPair })
  @ApiUnauthorizedResponse({ type: Problem })
  refresh(@CurrentActor() actor: Actor, @Body() body: RefreshRequest): Promise<TokenPair> {
    return this.auth.refresh(actor, body.refreshToken);
  }

  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session: its access and refresh tokens stop working at once' })
  @ApiNoContentResponse()
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor);
  }

  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: Me })
  me(@CurrentActor() actor: Actor): Promise<Me> {
    return this.auth.me(actor);
  }

  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @Post('password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change your password; your other tokens stop working and a new pair is returned',
  })
  @ApiOkResponse({ type: TokenPair })
  @ApiTooManyRequestsResponse({
    type: Problem,
    description: 'login_locked: too many failed password checks on the account',
  })
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordRequest): Promise<TokenPair> {
    return this.auth.changePassword(actor, body);
  }
}
