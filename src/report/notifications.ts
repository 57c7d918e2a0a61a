// Notifications the run sent (notification.sent): which transition, to which target, and whether
// the webhook accepted it. Target URLs are never shown: they are usually secrets.

import type { EventRecord } from '../store/store.js';
import { cite, iso, num, str } from './evidence.js';
import type { NotificationView } from './report-model.js';

export function buildNotifications(events: readonly EventRecord[]): NotificationView[] {
  return events
    .filter((e) => e.kind === 'notification.sent')
    .map((e) => {
      const target = num(e.data.target);
      const status = num(e.data.status);
      return {
        time: cite(iso(e.time), e),
        event: str(e.data.event) ?? 'unknown',
        target: target === null ? null : cite(target, e),
        ok: typeof e.data.ok === 'boolean' ? cite(e.data.ok, e) : null,
        status: status === null ? null : cite(status, e),
      };
    });
}
