import { ApiProperty } from '@nestjs/swagger';
import { QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { NotificationKind, NotificationRecordType } from '../notifications.enums.js';

/** A reminder in the caller's inbox: what falls due, on which record (its reference), and when. */
export class NotificationView {
  @ApiProperty({ example: 'd8a2c6f9-1e5b-4d3a-8c7e-6b4f2a9d1e63', format: 'uuid' }) id: string;
  @ApiProperty({ enum: NotificationKind, enumName: 'NotificationKind' }) kind: NotificationKind;
  @ApiProperty({ enum: NotificationRecordType, enumName: 'NotificationRecordType' })
  recordType: NotificationRecordType;
  @ApiProperty({ example: '8a1d5e27-6c4b-4f0e-b3a9-2e7d9c1f5b34', format: 'uuid' }) recordId: string;
  @ApiProperty({ example: 'CASE-2026-M4X9TB', description: 'The case or report reference' })
  reference: string;
  @ApiProperty({ example: '2026-07-01', format: 'date' }) dueOn: string;
  @ApiProperty({ example: false, description: 'Sent to the supervisor because the item is overdue' })
  escalated: boolean;
  @ApiProperty({ example: '2026-06-01T06:00:00.000Z', format: 'date-time' }) raisedAt: string;
  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String }) readAt: string | null;
  @ApiProperty({
    example: null,
    format: 'date',
    nullable: true,
    type: String,
    description: 'The day the worker found it done (the update given, the report assessed, the case closed)',
  })
  resolvedOn: string | null;
}

export class NotificationPage extends PageMeta {
  @ApiProperty({ type: [NotificationView] }) items: NotificationView[];
}

export class NotificationQuery extends PageQuery {
  @QueryBoolean('true: only those not read; false: only those read')
  unread?: boolean;
}
