import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsOptional } from 'class-validator';
import { Int4, OptionalUserOrMe, OptionalUuid, QueryBoolean } from '../../../common/dto.js';
import { PageQuery } from '../../../common/pagination.js';
import { CaseStatus, CaseType, IopcDecision } from '../cases.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import { FinancialYearField } from '../../figures/financial-year.js';

// The filters of the case list and the timeline.

export class CaseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CaseStatus, enumName: 'CaseStatus' })
  @IsOptional()
  @IsEnum(CaseStatus)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: CaseType, enumName: 'CaseType' })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    description: 'Has this category',
  })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  category?: CorruptionCategory;

  @OptionalUuid('Assigned investigator')
  investigatorId?: string;

  @OptionalUserOrMe('Assigned investigator (`me`: the caller’s own cases)')
  investigator?: string;

  @OptionalUuid('Supervisor')
  supervisorId?: string;

  @OptionalUuid('A subject of the case (a workforce member)')
  workforceMemberId?: string;

  @ApiPropertyOptional({ enum: IopcDecision, enumName: 'IopcDecision', description: 'The IOPC’s mode' })
  @IsOptional()
  @IsEnum(IopcDecision)
  iopcDecision?: IopcDecision;

  @QueryBoolean('Open cases whose progress update is overdue (true) or not (false)')
  overdueUpdate?: boolean;

  @QueryBoolean('Cases past the 12-month mark still open (true)')
  pastPccMark?: boolean;

  @QueryBoolean('Cases that meet the mandatory referral criteria')
  referralRequired?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 36500, description: 'Recorded at least this many days ago' })
  @IsOptional()
  @Type(() => Number)
  @Int4(0, 36500)
  minAgeDays?: number;

  @FinancialYearField('Recorded in this financial year (UK, 1 April to 31 March), written 2017/18')
  financialYear?: string;
}

export class TimelineQuery extends PageQuery {}
