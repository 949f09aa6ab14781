/** The notifications module's audit actions. */
export enum NotificationsAudit {
  List = 'notification.list',
  MarkRead = 'notification.mark_read',
}

/** The resource types the notifications module's audit rows name. */
export enum NotificationsResource {
  Notification = 'notification',
}
