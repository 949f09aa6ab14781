import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Controller, HttpCode, Inject, Module, type OnModuleInit, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenAuthenticator } from '../../common/auth/access.guard.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { CommonError } from '../../common/problem.js';
import { PROBLEM_TYPE_BASE } from '../../common/problem.filter.js';
import { QUEUES } from '../../common/queues.js';
import { AppConfig } from '../../config/app-config.js';

export const BOARD_PATH = '/admin/queues';
const COOKIE = 'lantern_board';

function problem(reply: FastifyReply, status: 401 | 403, detail: string): FastifyReply {
  const code = status === 401 ? CommonError.Unauthorised : CommonError.Forbidden;
  return reply
    .status(status)
    .header('content-type', 'application/problem+json')
    .send({
      type: `${PROBLEM_TYPE_BASE}${code}`,
      title: status === 401 ? 'Unauthorised' : 'Forbidden',
      status,
      detail,
      instance: BOARD_PATH,
      code,
      requestId: '',
    });
}

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
  if (bearer) return bearer[1];
  const cookies = request.headers.cookie ?? '';
  const match = new RegExp(`(?:^|;\\s*)${COOKIE}=([A-Za-z0-9._~+/=-]+)`).exec(cookies);
  return match ? match[1] : null;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('admin/queue-board')
export class QueueBoardController {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  @Post('session')
  @HttpCode(204)
  @ApiOperation({
    summary: `Open the queue dashboard (${BOARD_PATH}) in a browser: sets an HttpOnly cookie carrying this access token`,
  })
  @ApiNoContentResponse()
  session(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const token = tokenOf(request) ?? '';
    const secure = this.config.NODE_ENV === 'production' ? '; Secure' : '';
    void reply.header(
      'set-cookie',
      `${COOKIE}=${token}; Path=${BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${this.config.JWT_ACCESS_TTL_SECONDS}${secure}`,
    );
  }
}

/**
 * Bull Board at /admin/queues for admins: every queue with its waiting, active, completed and failed
 * jobs (failed jobs after their retries stay there for a week). Every request under the path must carry
 * an admin's access token (Authorization: Bearer, or the cookie set by POST /api/v1/admin/queue-board/session).
 */
@Module({ controllers: [QueueBoardController] })
export class QueueBoardModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const authenticator = this.moduleRef.get(TokenAuthenticator, { strict: false });
    const queues = Object.values(QUEUES)
      .filter((name) => name !== QUEUES.audit && name !== QUEUES.reminders)
      .map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(BOARD_PATH);
    createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        const token = tokenOf(request);
        if (!token) return problem(reply, 401, 'An admin access token is required');
        const actor = await authenticator.authenticate(token, request);
        if (!actor) return problem(reply, 401, 'The access token is not valid');
        if (!actor.roles.includes(Role.Admin)) return problem(reply, 403, 'Only admins see the queues');
      });
      await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
    });
  }
}
