"""Notifications: the in-app list of each user, and Web Push to their subscribed phones.

Domain code calls `notify(...)` inside its own transaction; the background loop
(a recurring job the app starts) delivers committed notifications with
`deliver_pending(...)` under a job lease.
"""

from server.domain.notify.delivery import DeliveryReport, deliver_pending
from server.domain.notify.service import NotificationKind, notify

__all__ = ["DeliveryReport", "NotificationKind", "deliver_pending", "notify"]
