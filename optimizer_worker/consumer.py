"""The worker's broker consumer, reconnecting promptly after an outage.

Celery's consumer reconnects with kombu's growing backoff (2, 4, 6 … up to 30 s between tries),
which it does not let us configure: after a minute without Redis the worker came back up to 16 s
after the broker did, and work that waited for it waited that much longer (bench/RESULTS.md,
fault injection). Here it tries every RECONNECT_INTERVAL_S, as long as it takes.
"""

from __future__ import annotations

import functools

from celery.worker.consumer import Consumer

RECONNECT_INTERVAL_S = 1.0


class PromptReconnectConsumer(Consumer):
    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=RECONNECT_INTERVAL_S, interval_step=0,
            interval_max=RECONNECT_INTERVAL_S)
        try:
            return super().ensure_connected(conn)
        finally:
            del conn.ensure_connection  # the instance attribute goes; the method is back
