import { ApiProperty } from '@nestjs/swagger';
import { CaseSummaryView } from '../../cases/dto/case.dto.js';
import { CategoryYearCount, ProfileReport } from '../../intelligence/dto/queue.dto.js';
import { AlertView } from '../../vetting/dto/vetting.dto.js';
import { MemberVetting } from '../../workforce/dto/workforce.dto.js';
import { MemberType } from '../../workforce/workforce.enums.js';

export class ProfileMember {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'DS4127' })
  staffNumber: string;

  @ApiProperty({ example: 'Karen' })
  givenName: string;

  @ApiProperty({ example: 'Holloway' })
  familyName: string;

  @ApiProperty({ example: 'officer', enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({ example: 'Detective Sergeant', nullable: true, type: String })
  rankOrGrade: string | null;
}

export class SubjectProfile {
  @ApiProperty({ type: ProfileMember })
  member: ProfileMember;

  @ApiProperty({ type: [ProfileReport], description: 'Every report concerning the person, newest first' })
  intelligence: ProfileReport[];

  @ApiProperty({ type: [CategoryYearCount], description: 'By financial year (newest first), then category' })
  intelligenceByCategoryYear: CategoryYearCount[];

  @ApiProperty({ type: [CaseSummaryView], description: 'Every case concerning the person, newest first' })
  cases: CaseSummaryView[];

  @ApiProperty({
    type: MemberVetting,
    description: 'Their vetting state now (clearances against their post)',
  })
  vetting: MemberVetting;

  @ApiProperty({ type: [AlertView], description: 'Vetting alerts not yet resolved, most urgent first' })
  openAlerts: AlertView[];
}
