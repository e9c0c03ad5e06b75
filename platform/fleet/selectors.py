"""Reads of the fleet: which classes are online, with which workers and engines."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import FleetMember


def members_online(*, kind: str | None = None):
    """Members heard from within the heartbeat timeout."""
    since = timezone.now() - timedelta(seconds=settings.WHETSTONE_HEARTBEAT_TIMEOUT_S)
    members = FleetMember.objects.filter(last_seen_at__gte=since)
    return members.filter(kind=kind) if kind else members


def _optimizing(members):
    """Workers that consume their class's optimization queue: a deploy agent (queue `serving` only)
    is a worker of its node's class too, but takes no job of it."""
    from whetstone.taskqueue import optimize_queue

    return [m for m in members if optimize_queue("cpu", m.hardware_class) in (m.queues or [])]


def classes_online(*, kind: str) -> list[str]:
    """Classes with an engine online (kind engine), or with a worker online that optimizes for them."""
    members = members_online(kind=kind)
    if kind == FleetMember.Kind.WORKER:
        return sorted({m.hardware_class for m in _optimizing(members)})
    return sorted(set(members.values_list("hardware_class", flat=True)))


def class_has_worker(hardware_class: str) -> bool:
    """Whether a worker that runs jobs of `hardware_class` is online."""
    return bool(_optimizing(members_online(kind=FleetMember.Kind.WORKER).filter(hardware_class=hardware_class)))


def engine_class(url: str) -> str | None:
    """The class the engine at `url` last reported, if it is online."""
    return (members_online(kind=FleetMember.Kind.ENGINE).filter(name=url)
            .values_list("hardware_class", flat=True).first())


def hardware_overview() -> list[dict]:
    """One entry per class present: its online workers and engines. Machine descriptions only;
    nothing of any tenant (jobs, models) is in here."""
    classes: dict[str, dict] = {}
    for member in members_online().order_by("hardware_class", "kind", "name"):
        entry = classes.setdefault(member.hardware_class, {"hardware_class": member.hardware_class,
                                                           "workers": [], "engines": []})
        hw = member.hardware or {}
        entry["workers" if member.kind == FleetMember.Kind.WORKER else "engines"].append({
            "name": member.name,
            "cpu_model": hw.get("cpu_model", ""),
            "cpu_generation": hw.get("cpu_generation") if isinstance(hw.get("cpu_generation"), str) else None,
            "detected_hardware_class": hw.get("detected_hardware_class", member.hardware_class),
            "usable_cpus": hw.get("usable_cpus"),
            "queues": member.queues if member.kind == FleetMember.Kind.WORKER else [],
            "started_at": member.started_at,
            "last_seen_at": member.last_seen_at,
        })
    return list(classes.values())
