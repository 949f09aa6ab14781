import { ApiProperty } from '@nestjs/swagger';
import { QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { NotificationKind, NotificationRecordType } from '../notifications.enums.js';

/** A reminder in the caller's inbox: what falls due, on which record (its reference), and when. */
export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NotificationKind, enumName: 'NotificationKind' }) kind: NotificationKind;
  @ApiProperty({ enum: NotificationRecordType, enumName: 'NotificationRecordType' })
  recordType: NotificationRecordType;
  @ApiProperty({ format: 'uuid' }) recordId: string;
  @ApiProperty({ description: 'The case or report reference' }) reference: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ description: 'Sent to the supervisor because the item is overdue' }) escalated: boolean;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt: string | null;
  @ApiProperty({
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
