"""The worker's row in the fleet registry (platform/fleet): its hardware class and queues,
written every heartbeat interval while it runs, removed when it stops cleanly.

The platform reads it to route and to explain: a job whose class has no online worker waits,
saying so, and `GET /api/v1/hardware/` lists the classes present. The same loop asks the
serving engine its class when this worker loads packages into it (it serves `serving`), so
that deploy knows which package holds there without the web process calling the engine.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


class FleetHeartbeat:
    def __init__(self, *, name: str, queues: list[str], interval_s: float):
        self.name, self.queues, self.interval_s = name, queues, interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        from compiler_core.hardware import describe_hardware
        from fleet.models import FleetMember
        from fleet.services import engine_probe, member_heartbeat
        from whetstone.taskqueue import SERVING_QUEUE

        try:
            member_heartbeat(kind=FleetMember.Kind.WORKER, name=self.name, hardware=describe_hardware(),
                             queues=self.queues)
            if SERVING_QUEUE in self.queues:
                engine_probe()
        except Exception:  # noqa: BLE001 - a database restart must not stop the worker's heartbeat
            logger.warning("fleet heartbeat of %s failed; trying again in %.0f s", self.name, self.interval_s,
                           exc_info=True)

    def _run(self) -> None:
        from django.db import connection

        while not self._stop.is_set():
            try:
                self.beat()
            finally:
                # This thread's own connection (Django's are per thread), closed between beats: a pool
                # process forked meanwhile never inherits an open one. Not in beat(): a caller's
                # thread (the worker's ready signal, a test) keeps its connection.
                connection.close()
            self._stop.wait(self.interval_s)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fleet-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        from fleet.models import FleetMember
        from fleet.services import member_gone

        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval_s + 5)
        try:
            member_gone(kind=FleetMember.Kind.WORKER, name=self.name)
        except Exception:  # noqa: BLE001 - the row then ages out after the heartbeat timeout
            logger.warning("could not remove %s from the fleet registry", self.name, exc_info=True)
