import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { Int4 } from '../../../common/dto.js';
import { ReferralCriterion } from '../cases.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';

/** Property decorators shared by the cases DTOs. */
/** A calendar date, `YYYY-MM-DD`. */
export const DateOnly = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date', example: '2026-03-31', description }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );
export const OptionalDateOnly = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', nullable: true, description }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );
/** An optional code that may also be sent as null to clear it. */
export const NullableEnum = (e: object, enumName: string, description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: e, enumName, nullable: true, description }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    IsEnum(e),
  );
export const Text = (max: number, description?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ minLength: 1, maxLength: max, description }), IsString(), Length(1, max));
export const OptionalVersion = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'The version you read; a stale one is a 409' }),
    IsOptional(),
    Int4(1),
  );
export const Categories = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: CorruptionCategory,
      enumName: 'CorruptionCategory',
      isArray: true,
      description: 'Secondary categories',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(13),
    ArrayUnique(),
    IsEnum(CorruptionCategory, { each: true }),
  );
export const Facts = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: ReferralCriterion,
      enumName: 'ReferralCriterion',
      isArray: true,
      description:
        'Facts of the conduct that meet a mandatory referral criterion (beyond those its categories meet)',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(9),
    ArrayUnique(),
    IsEnum(ReferralCriterion, { each: true }),
  );
export const SubjectMemberIds = (required: boolean): PropertyDecorator =>
  applyDecorators(
    required
      ? ApiProperty({
          type: [String],
          format: 'uuid',
          description: 'The subjects: the workforce members the case is about',
        })
      : ApiPropertyOptional({
          type: [String],
          format: 'uuid',
          description: 'Replaces the subjects (workforce member ids)',
        }),
    ...(required ? [] : [IsOptional()]),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
export const IntelligenceIds = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Linked intelligence reports' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(200),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
export const NullableUser = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    IsUUID('all'),
  );
