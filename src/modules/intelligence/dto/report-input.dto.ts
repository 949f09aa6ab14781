import { applyDecorators } from '@nestjs/common';
import { GRADE_PART_CODES } from '../intelligence.enums.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import { Int4 } from '../../../common/dto.js';
import {
  GradingScheme,
  NARRATIVE_MAX,
  ReceiptMethod,
  SourceType,
  SubjectRole,
} from '../intelligence.enums.js';

export const TEXT_MAX = 10_000;

/** Optional, but when sent not null (for columns that cannot be emptied). */
const PresentNotNull = (): PropertyDecorator =>
  ValidateIf((_: unknown, value: unknown) => value !== undefined);

const EnumProperty = (e: object, name: string, description?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ enum: e, enumName: name, description }), IsEnum(e));

/** One grade, in the scheme it was given in (3x5x2, or legacy 5x5x5). Codes are checked against the scheme. */
export class GradingInput {
  @ApiProperty({ enum: GradingScheme, enumName: 'GradingScheme' })
  @IsEnum(GradingScheme)
  scheme: GradingScheme;

  @ApiProperty({
    example: '2',
    enum: GRADE_PART_CODES.sourceEvaluation,
    description: '3x5x2: 1, 2 or 3. 5x5x5: A-E',
  })
  @IsString()
  @Length(1, 1)
  sourceEvaluation: string;

  @ApiProperty({
    example: 'B',
    enum: GRADE_PART_CODES.intelligenceAssessment,
    description: '3x5x2: A-E. 5x5x5: 1-5',
  })
  @IsString()
  @Length(1, 1)
  intelligenceAssessment: string;

  @ApiProperty({
    example: 'C',
    enum: GRADE_PART_CODES.handlingCode,
    description: '3x5x2: P or C (C needs conditions). 5x5x5: 1-5',
  })
  @IsString()
  @Length(1, 1)
  handlingCode: string;

  @ApiPropertyOptional({
    example: 'Share only with the force vetting unit; do not disclose the source',
    description: 'The conditions of lawful sharing; required with handling code C',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  handlingConditions?: string;
}

export class SubjectInput {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  @IsUUID('all')
  workforceMemberId: string;

  @ApiProperty({ enum: SubjectRole, enumName: 'SubjectRole' })
  @IsEnum(SubjectRole)
  role: SubjectRole;
}

const SubjectsProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: [SubjectInput],
      description: 'Workforce members the report concerns (none while unidentified)',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ValidateNested({ each: true }),
    Type(() => SubjectInput),
  );

const CategoriesProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(12),
    ArrayUnique(),
    IsEnum(CorruptionCategory, { each: true }),
  );

const LinksProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      format: 'uuid',
      description: 'Other intelligence reports this one relates to',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );

export class CreateIntelligenceRequest {
  @ApiProperty({
    example: '2026-05-09T16:20:00.000Z',
    format: 'date-time',
    description: 'When the unit received it (not in the future)',
  })
  @IsDateString({ strict: true })
  receivedAt: string;

  @ApiProperty({ example: 'reporting_line' })
  @EnumProperty(ReceiptMethod, 'ReceiptMethod', 'How it was received')
  receiptMethod: ReceiptMethod;

  @EnumProperty(SourceType, 'SourceType')
  sourceType: SourceType;

  @ApiPropertyOptional({
    example:
      'Colleague in the custody suite, by the confidential reporting line; wishes to stay anonymous to the subject',
    description: 'Protected: seen only by the recording analyst and supervisors',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  sourceDetails?: string;

  @ApiProperty({ type: GradingInput })
  @IsDefined()
  @ValidateNested()
  @Type(() => GradingInput)
  grading: GradingInput;

  @EnumProperty(CorruptionCategory, 'CorruptionCategory')
  primaryCategory: CorruptionCategory;

  @ApiPropertyOptional({ example: ['misuse_of_systems'] })
  @CategoriesProperty()
  secondaryCategories?: CorruptionCategory[];

  @SubjectsProperty()
  subjects?: SubjectInput[];

  @ApiPropertyOptional({
    example: true,
    default: false,
    description: 'A vulnerable person is involved (the APSP signal)',
  })
  @IsOptional()
  @IsBoolean()
  vulnerablePerson?: boolean;

  @ApiPropertyOptional({ example: 'Victim of a domestic abuse incident the subject attended in March 2026' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  vulnerablePersonNote?: string;

  @ApiProperty({
    example:
      'Fictional: the subject is said to have messaged a domestic abuse victim he met on duty, from his personal phone, asking to meet off duty.',
    maxLength: NARRATIVE_MAX,
    description: 'The account. Sensitive: never logged',
  })
  @IsString()
  @Length(1, NARRATIVE_MAX)
  narrative: string;

  @ApiPropertyOptional({ example: ['6b2d8f4a-1c7e-4a9b-8e3d-5f1a7c9b2e46'] })
  @LinksProperty()
  linkedReportIds?: string[];
}

/** Changes to a report; send only what changes, with the version you read. Lists replace the stored ones. */
export class UpdateIntelligenceRequest {
  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409 stale_version' })
  @Int4(1)
  version: number;

  @ApiPropertyOptional({ example: '2026-05-09T16:20:00.000Z', format: 'date-time' })
  @PresentNotNull()
  @IsDateString({ strict: true })
  receivedAt?: string;

  @ApiPropertyOptional({ example: 'reporting_line', enum: ReceiptMethod, enumName: 'ReceiptMethod' })
  @PresentNotNull()
  @IsEnum(ReceiptMethod)
  receiptMethod?: ReceiptMethod;

  @ApiPropertyOptional({ enum: SourceType, enumName: 'SourceType' })
  @PresentNotNull()
  @IsEnum(SourceType)
  sourceType?: SourceType;

  @ApiPropertyOptional({
    example:
      'Colleague in the custody suite, by the confidential reporting line; wishes to stay anonymous to the subject',
    nullable: true,
    type: String,
    description: 'Only the recording analyst or a supervisor',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  sourceDetails?: string | null;

  @ApiPropertyOptional({ type: GradingInput, description: 'The whole grade (a regrade)' })
  @PresentNotNull()
  @ValidateNested()
  @Type(() => GradingInput)
  grading?: GradingInput;

  @ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @PresentNotNull()
  @IsEnum(CorruptionCategory)
  primaryCategory?: CorruptionCategory;

  @ApiPropertyOptional({ example: ['misuse_of_systems'] })
  @CategoriesProperty()
  secondaryCategories?: CorruptionCategory[];

  @SubjectsProperty()
  subjects?: SubjectInput[];

  @ApiPropertyOptional({ example: true })
  @PresentNotNull()
  @IsBoolean()
  vulnerablePerson?: boolean;

  @ApiPropertyOptional({
    example: 'Victim of a domestic abuse incident the subject attended in March 2026',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  vulnerablePersonNote?: string | null;

  @ApiPropertyOptional({
    example:
      'Fictional: the subject is said to have messaged a domestic abuse victim he met on duty, from his personal phone, asking to meet off duty.',
    maxLength: NARRATIVE_MAX,
  })
  @PresentNotNull()
  @IsString()
  @Length(1, NARRATIVE_MAX)
  narrative?: string;

  @ApiPropertyOptional({ example: ['6b2d8f4a-1c7e-4a9b-8e3d-5f1a7c9b2e46'] })
  @LinksProperty()
  linkedReportIds?: string[];
}
