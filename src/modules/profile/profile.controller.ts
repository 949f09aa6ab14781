import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { uuidPipe } from '../../common/validation.js';
import { SubjectProfile } from './dto/profile.dto.js';
import { ProfileService } from './profile.service.js';

/**
 * The supervisors' view of one person: every intelligence report and case concerning them, counts by category
 * per year, their vetting state and open vetting alerts (the early sign of a pattern).
 */
@ApiTags('workforce')
@ApiBearerAuth()
@Roles(Role.Supervisor)
@Controller('workforce')
export class SubjectProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get(':id/profile')
  @ApiOperation({
    summary:
      'Subject profile: intelligence and cases concerning the person, counts by category per year, vetting state and open alerts',
  })
  @ApiOkResponse({ type: SubjectProfile })
  profile(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<SubjectProfile> {
    return this.profiles.profile(actor, id);
  }
}
