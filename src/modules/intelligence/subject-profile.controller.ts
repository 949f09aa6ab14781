import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { uuidPipe } from '../../common/validation.js';
import { SubjectProfile } from './dto/intelligence.dto.js';
import { IntelligenceService } from './intelligence.service.js';

/** The supervisors' view of one person: every intelligence report concerning them, by category and year. */
@ApiTags('workforce')
@ApiBearerAuth()
@Roles(Role.Supervisor)
@Controller('workforce')
export class SubjectProfileController {
  constructor(private readonly intelligence: IntelligenceService) {}

  @Get(':id/profile')
  @ApiOperation({
    summary: 'Subject profile: intelligence concerning the person and counts by category per year',
  })
  @ApiOkResponse({ type: SubjectProfile })
  profile(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<SubjectProfile> {
    return this.intelligence.profile(actor, id);
  }
}
