import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import type { Page } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import type { NotificationQuery, NotificationView } from './dto/notification.dto.js';
import { NotificationsAudit, NotificationsResource } from './notifications.codes.js';
import { NotificationsRepository } from './notifications.repository.js';

/**
 * The in-app inbox: each user's own reminders (raised by the worker, RemindersService). Another user's
 * notification, or one about a record that concerns the caller, is a 404.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tx: Transactions,
    private readonly repository: NotificationsRepository,
    private readonly audit: AuditService,
  ) {}

  list(actor: Actor, query: NotificationQuery): Promise<Page<NotificationView>> {
    return this.tx.read(async (m) => {
      const page = await this.repository.page(m, actor, query);
      await this.audit.record(m, actor, {
        action: NotificationsAudit.List,
        resourceType: NotificationsResource.Notification,
        details: { returned: page.items.map((n) => n.id) },
      });
      return page;
    });
  }

  markRead(actor: Actor, id: string): Promise<NotificationView> {
    return this.tx.write(async (m) => {
      const view = await this.repository.markRead(m, actor, id);
      if (!view) throw problems.notFound('notification');
      await this.audit.record(m, actor, {
        action: NotificationsAudit.MarkRead,
        resourceType: NotificationsResource.Notification,
        resourceId: id,
      });
      return view;
    });
  }
}
