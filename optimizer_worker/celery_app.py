"""The Celery app the optimizer workers run:

    python -m optimizer_worker            # serves the queues this machine supports
    celery -A optimizer_worker.celery_app worker -Q cpu,serving,events

Its configuration comes from Django's settings (CELERY_* names), so the broker
and the database are set once, from the environment.
"""

import os
import sys
from pathlib import Path

# platform/ is a folder on sys.path, never a package (it would shadow the
# standard library's `platform`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "whetstone.settings")

from celery import Celery  # noqa: E402
from celery.signals import worker_init, worker_ready, worker_shutdown  # noqa: E402

app = Celery("whetstone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.include = ["optimizer_worker.tasks"]


@worker_init.connect
def _require_isolation(**_) -> None:
    # Whichever way the worker is started (`python -m optimizer_worker`, `celery -A ... worker`),
    # it does not take jobs unless the sandbox for users' files works here.
    from compiler_core.hardware import HardwareClassRefused, this_hardware_class

    from .isolation import require

    require()
    try:
        this_hardware_class()  # a declared class this machine cannot serve stops the worker here
    except HardwareClassRefused as exc:
        raise SystemExit(f"worker: {exc}") from exc


_heartbeat = None


@worker_ready.connect
def _join_the_fleet(sender=None, **_) -> None:
    # Only once the worker consumes: a worker listed online takes the jobs routed to its class.
    global _heartbeat
    from django.conf import settings

    from .fleet_heartbeat import FleetHeartbeat

    hostname = getattr(sender, "hostname", None) or app.conf.get("worker_name") or "worker"
    queues = sorted(app.amqp.queues.consume_from) if app.amqp.queues.consume_from else []
    _heartbeat = FleetHeartbeat(name=hostname, queues=queues, interval_s=settings.WHETSTONE_HEARTBEAT_INTERVAL_S)
    _heartbeat.start()


@worker_shutdown.connect
def _leave_the_fleet(**_) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
