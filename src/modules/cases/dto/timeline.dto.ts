import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../../common/pagination.js';
import { CaseEventKind } from '../cases.enums.js';

// The case timeline.

export class TimelineEventView {
  @ApiProperty({ example: '2c9e7b4f-3a1d-4f8e-9b6c-8d5a2f1e7c34', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'status_changed', enum: CaseEventKind, enumName: 'CaseEventKind' })
  kind: CaseEventKind;

  @ApiProperty({ example: '2026-05-15T09:00:00.000Z', format: 'date-time' })
  occurredAt: string;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  actorId: string | null;

  @ApiProperty({ example: 'Priya Shah', nullable: true, type: String })
  actorName: string | null;

  @ApiProperty({
    example: { from: 'open', to: 'under_investigation' },
    type: 'object',
    additionalProperties: true,
    description: 'Codes and ids of the event',
  })
  details: Record<string, unknown>;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'A note’s text or a reason given',
  })
  note: string | null;
}

export class TimelinePage extends PageMeta {
  @ApiProperty({ type: [TimelineEventView] })
  items: TimelineEventView[];
}
