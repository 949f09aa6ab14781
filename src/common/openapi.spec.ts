import type { OpenAPIObject } from '@nestjs/swagger';
import { Matches, MaxLength } from 'class-validator';
import { Int4 } from './dto.js';
import { patternOf, unstatedRules } from './openapi-constraints.js';
import { exampleOf } from './openapi.js';

describe('patternOf (a RegExp as an OpenAPI pattern, which has no flags)', () => {
  it('keeps a pattern without flags as it is', () => {
    expect(patternOf(/^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$/)).toBe('^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$');
  });

  it('spells the i flag out as classes, leaving escapes alone, and matches what the RegExp matches', () => {
    const regex = /^(me|[0-9a-f]{8}-[0-9a-f]{4})\d$/i;
    const pattern = new RegExp(patternOf(regex));
    expect(patternOf(regex)).toBe('^([mM][eE]|[0-9a-fA-F]{8}-[0-9a-fA-F]{4})\\d$');
    for (const text of [
      'me1',
      'ME1',
      'Me1',
      '0A1b2C3d-ffFF9',
      '0a1b2c3d-ffff9',
      'mee1',
      'g0000000-0000x',
      'me',
    ])
      expect([text, pattern.test(text)]).toEqual([text, regex.test(text)]);
  });

  it('refuses a flag it cannot state', () => {
    expect(() => patternOf(/^a$/m)).toThrow(/cannot state/);
  });
});

describe('exampleOf (an example composed from the schema’s parts)', () => {
  const document = {
    components: {
      schemas: {
        Subject: { type: 'object', properties: { staffNumber: { type: 'string', example: 'DS4127' } } },
        Page: {
          type: 'object',
          properties: {
            items: { type: 'array', items: { $ref: '#/components/schemas/Subject' } },
            state: { type: 'string', enum: ['received', 'in_assessment'] },
            nextCursor: { type: 'string', nullable: true },
          },
        },
      },
    },
  } as unknown as OpenAPIObject;

  it('takes each property’s example, an array’s item, an enum’s first value, and names what lacks one', () => {
    const lacking: string[] = [];
    expect(exampleOf(document, { $ref: '#/components/schemas/Page' }, 'op', lacking)).toEqual({
      items: [{ staffNumber: 'DS4127' }],
      state: 'received',
      nextCursor: undefined,
    });
    expect(lacking).toEqual(['Page.nextCursor']);
  });
});

describe('unstatedRules (validators the schema cannot state)', () => {
  it('finds none for the mapped validators', () => {
    class Mapped {
      @Matches(/^[A-Z]{2}\d+$/) @MaxLength(32) code: string;
      @Int4(1) version: number;
    }
    expect(unstatedRules(Mapped)).toEqual([]);
  });
});
