"""Notifications: the in-app list of each user, and Web Push to their subscribed phones.

Domain code calls `notify(...)` inside its own transaction; the background loop
(`push_loop`, started by the app) delivers committed notifications with
`deliver_pending(...)` under a job lease.
"""

from server.domain.notify.delivery import DeliveryReport, deliver_pending, push_loop
from server.domain.notify.service import NotificationKind, notify

__all__ = ["DeliveryReport", "NotificationKind", "deliver_pending", "notify", "push_loop"]
