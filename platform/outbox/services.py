"""The outbox: work that must reach a worker is committed as intent, then sent.

No request thread waits on the broker: `message_enqueue` only writes a row in the caller's
transaction. After the commit it tries one send, bounded by the producer's timeouts (about a
second, see whetstone/taskqueue.py); after a failure the broker is left alone for
BROKER_BACKOFF_S, so during an outage requests answer at once and the dispatcher
(`outbox_flush`, run by `manage.py reap_jobs`) sends what waits when the broker answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from whetstone import taskqueue

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_BACKOFF_S = 5.0
SENT_KEPT_FOR = timedelta(days=1)

_broker_failed_at = 0.0
_lock = threading.Lock()


def _broker_resting() -> bool:
    return time.monotonic() - _broker_failed_at < BROKER_BACKOFF_S


def _broker_failed() -> None:
    global _broker_failed_at
    with _lock:
        _broker_failed_at = time.monotonic()


def message_enqueue(*, task: str, args: list, queue: str, priority: int = 0, key: str = "",
                    **options) -> OutboxMessage | None:
    """Add a message in the current transaction; returns None when one with `key` already waits."""
    if key and OutboxMessage.objects.filter(key=key, sent_at__isnull=True).exists():
        return None
    message = OutboxMessage.objects.create(task=task, args=args, queue=queue, priority=priority, key=key,
                                           options={k: v for k, v in options.items() if v is not None})
    transaction.on_commit(lambda: _send_after_commit(message.pk))
    return message


def _send_after_commit(message_id: int) -> None:
    if _broker_resting():
        return  # the dispatcher sends it once the broker answers
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is not None:
        message_send(message=message)


def message_send(*, message: OutboxMessage) -> bool:
    """Publish one message; True when the broker took it."""
    try:
        taskqueue.send(message.task, args=message.args, queue=message.queue, priority=message.priority,
                       **message.options)
    except Exception as exc:  # noqa: BLE001 - down, hung or refusing: the message waits for the dispatcher
        _broker_failed()
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:300])
        logger.warning("outbox: could not send %s (%s); it waits for the broker", message, exc)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=message.attempts + 1,
                                                       last_error="")
    return True


def outbox_flush(*, limit: int = 200) -> dict[str, int]:
    """Send what waits, oldest first; stop at the first failure (the broker is still away)."""
    counts = {"sent": 0, "waiting": 0}
    for message in OutboxMessage.objects.filter(sent_at__isnull=True)[:limit]:
        if not message_send(message=message):
            break
        counts["sent"] += 1
    counts["waiting"] = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - SENT_KEPT_FOR).delete()
    return counts


@dataclass(frozen=True)
class MessageSends:
    """What the outbox holds of the messages sent under one key."""

    count: int
    last: datetime | None  # when the last one went (or was written, if it waits)
    waiting: int

    def presumed_lost(self, *, since, now, grace_s: float) -> bool:
        """Whether the work should be sent again, for a reaper that finds it not done: nothing waits
        for the broker, and the last send (or `since`, if later) went longer ago than `grace_s` times
        2 to the number of sends. The first resend comes twice the grace after the first send, each
        further one after twice the wait before it, so work that is only slow (a busy worker, a large
        model) gets a few copies, not one a pass; every task is idempotent on its row."""
        if self.waiting:
            return False
        last = max(self.last, since) if self.last else since
        return (now - last).total_seconds() >= grace_s * 2 ** self.count


def message_sends(key: str) -> MessageSends:
    # When each went, not when it was written: a message held through a broker outage went just now.
    sends = OutboxMessage.objects.filter(key=key).aggregate(
        count=Count("id"), last=Max(Coalesce("sent_at", "created_at")),
        waiting=Count("id", filter=Q(sent_at__isnull=True)))
    return MessageSends(**sends)
