"""Writes to the fleet registry: workers' heartbeats, and what the serving engine reports."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from .models import FleetMember

logger = logging.getLogger(__name__)

# The engine must answer fast or not at all: the reaper asks it on every pass.
ENGINE_PROBE_TIMEOUT_S = 2.0


def member_heartbeat(*, kind: str, name: str, hardware: dict, queues: list[str] | None = None) -> FleetMember:
    """Record that `name` is online now, serving `hardware["hardware_class"]`."""
    member, _ = FleetMember.objects.update_or_create(
        kind=kind, name=name[:255],
        defaults={"hardware_class": hardware["hardware_class"], "hardware": hardware, "queues": queues or [],
                  "last_seen_at": timezone.now()},
    )
    return member


def member_gone(*, kind: str, name: str) -> None:
    """A member that stops cleanly (a worker's shutdown) leaves the list at once."""
    FleetMember.objects.filter(kind=kind, name=name[:255]).delete()


def engine_probe(*, url: str | None = None) -> str | None:
    """Ask the serving engine its class and record it; None (and nothing recorded) when it does
    not answer. The reaper calls it every pass, and the worker that loads packages before each load."""
    from deploy.serving.repository import ServingClient, ServingError

    url = url or settings.SERVING_URL
    client = ServingClient(url, timeout=ENGINE_PROBE_TIMEOUT_S, admin_token=settings.SERVING_ADMIN_TOKEN)
    try:
        answer = client.hardware()
        hardware = dict(answer.get("hardware") or {}, hardware_class=answer["hardware_class"])
    except (ServingError, KeyError, TypeError, ValueError) as exc:
        logger.debug("serving engine at %s gave no hardware class: %s", url, exc)
        return None
    member_heartbeat(kind=FleetMember.Kind.ENGINE, name=url, hardware=hardware)
    return hardware["hardware_class"]
