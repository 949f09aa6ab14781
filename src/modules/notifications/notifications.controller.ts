import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../../common/auth/actor.js';
import { Roles } from '../../common/auth/roles.decorator.js';
import { Role } from '../../common/auth/roles.js';
import { uuidPipe } from '../../common/validation.js';
import { NotificationPage, NotificationQuery, NotificationView } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

/** The caller's own reminders (the case and intelligence workers receive them). */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles(Role.Analyst, Role.Supervisor)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'My reminders, newest first (unread=true: those not read)' })
  @ApiOkResponse({ type: NotificationPage })
  list(@CurrentActor() actor: Actor, @Query() query: NotificationQuery): Promise<NotificationPage> {
    return this.notifications.list(actor, query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my reminders read (again: no change)' })
  @ApiOkResponse({ type: NotificationView })
  read(@CurrentActor() actor: Actor, @Param('id', uuidPipe('id')) id: string): Promise<NotificationView> {
    return this.notifications.markRead(actor, id);
  }
}
