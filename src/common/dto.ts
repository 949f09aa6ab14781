import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { problems } from './problem.js';
import {
  IsBoolean,
  IsDateString,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** The largest value of PostgreSQL's `integer` (int4), the type of every integer column the API writes. */
export const INT4_MAX = 2_147_483_647;

/**
 * The one integer rule of every DTO: an integer from `min` (the domain's minimum) to `max`, by default what
 * an int4 column holds, so that `version: 2147483648` or `1e300` is a 400 naming the field and never reaches
 * PostgreSQL (where it was a 500, or a 409). Adds `type: integer`, `minimum` and `maximum` to the field's
 * OpenAPI schema (merged with its own @ApiProperty). A test fails when a DTO uses a bare @IsInt().
 */
export const Int4 = (min: number, max: number = INT4_MAX): PropertyDecorator =>
  applyDecorators(ApiProperty({ type: 'integer', minimum: min, maximum: max }), IsInt(), Min(min), Max(max));

/** `?flag=true|false` as a boolean (query strings are text). */
export const QueryBoolean = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: Boolean, description }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    IsBoolean(),
  );

export const OptionalUuid = (description?: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ format: 'uuid', description }), IsOptional(), IsUUID('all'));

export const OptionalDateTime = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', description }),
    IsOptional(),
    IsDateString({ strict: true }),
  );

const UUID_OR_ME = /^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `?assignee=me` or a user id: `me` is the caller (resolve it with `userOrMe`). */
export const OptionalUserOrMe = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, example: 'me', description: `${description}: \`me\` or a user id` }),
    IsOptional(),
    Matches(UUID_OR_ME, { message: '$property must be me or a user id' }),
  );

/** The user a `me`-or-id filter names: `me` is the signed-in caller. */
export function userOrMe(
  field: string,
  value: string | undefined,
  callerId: string | null,
): string | undefined {
  if (value === undefined || value.toLowerCase() !== 'me') return value;
  if (callerId === null) throw problems.invalid(field, 'isUserOrMe', `${field}=me needs a signed-in user`);
  return callerId;
}

/** An optional calendar date, `YYYY-MM-DD` (a real date: 2026-02-30 is a 400). */
export const OptionalDate = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', description }),
    IsOptional(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );
