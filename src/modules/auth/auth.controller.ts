import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
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
import { Problem, problems } from '../../common/problem.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { AuthService } from './auth.service.js';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie.js';
import { ChangePasswordRequest, LoginRequest, Me, RefreshRequest, TokenPair } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Moves the refresh token from the body to the cookie. */
  private toCookie(reply: FastifyReply, pair: TokenPair): TokenPair {
    const { refreshToken, ...rest } = pair;
    if (refreshToken) setRefreshCookie(reply, refreshToken, this.config.REFRESH_TTL_SECONDS);
    return rest;
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; every failure is the same 401' })
  @ApiOkResponse({ type: TokenPair })
  @ApiUnauthorizedResponse({
    type: Problem,
    description: 'unauthorised: wrong email or password, or a disabled account (every failure the same)',
  })
  @ApiTooManyRequestsResponse({
    type: Problem,
    description: 'too_many_login_attempts (this address) or login_locked (this account)',
  })
  async login(
    @CurrentActor() actor: Actor,
    @Body() body: LoginRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPair> {
    const pair = await this.auth.login(actor, body);
    return body.cookie === true ? this.toCookie(reply, pair) : pair;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange a refresh token (once) for a new pair; reuse revokes the session. Without one in the body, ' +
      'the refresh cookie is used and replaced',
  })
  @ApiOkResponse({ type: TokenPair })
  @ApiUnauthorizedResponse({
    type: Problem,
    description: 'unauthorised: no refresh token, or one expired, already used or revoked',
  })
  async refresh(
    @CurrentActor() actor: Actor,
    @Body() body: RefreshRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPair> {
    if (body.refreshToken) return this.auth.refresh(actor, body.refreshToken);
    const fromCookie = refreshCookieOf(request);
    if (!fromCookie) {
      throw problems.invalid(
        'refreshToken',
        'isDefined',
        'refreshToken is required (in the body or the refresh cookie)',
      );
    }
    try {
      return this.toCookie(reply, await this.auth.refresh(actor, fromCookie));
    } catch (error) {
      clearRefreshCookie(reply);
      throw error;
    }
  }

  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'End this session: its access and refresh tokens stop working at once; the refresh cookie is cleared',
  })
  @ApiNoContentResponse()
  async logout(@CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    clearRefreshCookie(reply);
    await this.auth.logout(actor);
  }

  @Roles(...ALL_ROLES)
  @ApiBearerAuth()
  @Get('me')
  @ApiOperation({ summary: 'Who the caller is: user, roles and linked workforce member' })
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
