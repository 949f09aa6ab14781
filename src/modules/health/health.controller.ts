import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { Public } from '../../common/auth/roles.decorator.js';
import { Problem, ProblemException } from '../../common/problem.js';
import { REDIS } from '../../common/redis/redis.module.js';
import { Transactions } from '../../database/database.module.js';
import { HealthError } from './health.codes.js';
import { HealthRepository } from './health.repository.js';

class HealthStatus {
  @ApiProperty({ example: 'ok', enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ example: { postgres: 'up', redis: 'up' }, required: false })
  checks?: Record<string, 'up'>;
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly tx: Transactions,
    private readonly repository: HealthRepository,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: HealthStatus })
  live(): HealthStatus {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 names the one that does not' })
  @ApiOkResponse({ type: HealthStatus })
  @ApiServiceUnavailableResponse({
    type: Problem,
    description: 'dependency_unavailable: PostgreSQL or Redis does not answer (the detail names which)',
  })
  async ready(): Promise<HealthStatus> {
    const [postgres, redis] = await Promise.all([
      within(
        2000,
        this.tx.read((tx) => this.repository.ping(tx)),
      ).then(
        () => true,
        () => false,
      ),
      within(1000, this.redis.ping()).then(
        () => true,
        () => false,
      ),
    ]);
    const down = [!postgres && 'PostgreSQL', !redis && 'Redis'].filter(Boolean);
    if (down.length > 0) {
      throw new ProblemException({
        status: 503,
        code: HealthError.DependencyUnavailable,
        detail: `Not ready: ${down.join(' and ')} unreachable`,
        extensions: { checks: { postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' } },
      });
    }
    return { status: 'ok', checks: { postgres: 'up', redis: 'up' } };
  }
}
