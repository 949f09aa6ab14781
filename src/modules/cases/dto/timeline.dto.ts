import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../../common/pagination.js';
import { CaseEventKind } from '../cases.enums.js';

// The case timeline.

export class TimelineEventView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CaseEventKind, enumName: 'CaseEventKind' })
  kind: CaseEventKind;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId: string | null;

  @ApiProperty({ nullable: true, type: String })
  actorName: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Codes and ids of the event' })
  details: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String, description: 'A note’s text or a reason given' })
  note: string | null;
}

export class TimelinePage extends PageMeta {
  @ApiProperty({ type: [TimelineEventView] })
  items: TimelineEventView[];
}
