"""The fleet registry: workers' heartbeats, the engine's report, and GET /api/v1/hardware/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fleet.models import FleetMember
from fleet.selectors import class_has_worker, classes_online, engine_class
from fleet.services import engine_probe, member_gone, member_heartbeat

pytestmark = pytest.mark.django_db

AVX2 = {"hardware_class": "x86_64-amd-avx2", "detected_hardware_class": "x86_64-amd-avx512vnni-bf16",
        "cpu_model": "AMD EPYC 9B14", "cpu_generation": "family 23 model 1", "usable_cpus": 4}
AVX512 = {"hardware_class": "x86_64-amd-avx512vnni-bf16", "detected_hardware_class": "x86_64-amd-avx512vnni-bf16",
          "cpu_model": "AMD EPYC 9B14", "usable_cpus": 4}


def test_hardware_lists_each_class_with_its_online_workers_and_engines(api, user, settings):
    member_heartbeat(kind="worker", name="celery@a", hardware=AVX2, queues=["cpu.x86_64-amd-avx2", "cpu"])
    member_heartbeat(kind="worker", name="celery@b", hardware=AVX512, queues=["cpu.x86_64-amd-avx512vnni-bf16"])
    member_heartbeat(kind="engine", name="http://engine:8081", hardware=AVX512)
    gone = member_heartbeat(kind="worker", name="celery@silent", hardware=AVX2)
    FleetMember.objects.filter(pk=gone.pk).update(
        last_seen_at=timezone.now() - timedelta(seconds=settings.WHETSTONE_HEARTBEAT_TIMEOUT_S + 1))

    user.is_staff = True  # staff see the members' own names; other users: the test below
    user.save()
    response = api.get("/api/v1/hardware/")
    assert response.status_code == 200
    by_class = {entry["hardware_class"]: entry for entry in response.json()}
    assert set(by_class) == {"x86_64-amd-avx2", "x86_64-amd-avx512vnni-bf16"}
    assert [w["name"] for w in by_class["x86_64-amd-avx2"]["workers"]] == ["celery@a"]  # the silent one is not
    assert by_class["x86_64-amd-avx2"]["workers"][0]["detected_hardware_class"] == "x86_64-amd-avx512vnni-bf16"
    assert by_class["x86_64-amd-avx2"]["engines"] == []
    assert [e["name"] for e in by_class["x86_64-amd-avx512vnni-bf16"]["engines"]] == ["http://engine:8081"]
    # Machines only: no job, model or owner of anyone in it.
    assert set(by_class["x86_64-amd-avx2"]["workers"][0]) == {
        "name", "cpu_model", "cpu_generation", "detected_hardware_class", "usable_cpus", "queues", "started_at",
        "last_seen_at"}
    assert by_class["x86_64-amd-avx2"]["workers"][0]["cpu_generation"] == "family 23 model 1"
    assert by_class["x86_64-amd-avx512vnni-bf16"]["engines"][0]["cpu_generation"] is None  # not reported


def test_a_user_who_is_not_staff_sees_no_internal_address(api):
    member_heartbeat(kind="worker", name="celery@build-7.internal", hardware=AVX2, queues=["cpu.x86_64-amd-avx2"])
    member_heartbeat(kind="engine", name="http://10.0.3.7:8081", hardware=AVX2)
    first, again = api.get("/api/v1/hardware/").json(), api.get("/api/v1/hardware/").json()
    entry = first[0]
    assert entry["hardware_class"] == "x86_64-amd-avx2"
    assert entry["workers"][0]["name"].startswith("worker-") and entry["engines"][0]["name"].startswith("engine-")
    assert "10.0.3.7" not in str(first) and "build-7" not in str(first)
    assert first == again  # stable: the console can tell members apart


def test_hardware_needs_a_signed_in_user():
    assert APIClient().get("/api/v1/hardware/").status_code == 401


def test_a_heartbeat_updates_one_row_and_a_clean_stop_removes_it():
    member_heartbeat(kind="worker", name="celery@a", hardware=AVX512, queues=["cpu.x86_64-amd-avx512vnni-bf16"])
    member_heartbeat(kind="worker", name="celery@a", hardware=AVX2, queues=["cpu.x86_64-amd-avx2"])
    assert FleetMember.objects.get().hardware_class == "x86_64-amd-avx2"
    assert class_has_worker("x86_64-amd-avx2") and not class_has_worker("x86_64-amd-avx512vnni-bf16")
    member_heartbeat(kind="worker", name="deploy-agent@a", hardware=AVX512, queues=["serving"])
    assert not class_has_worker("x86_64-amd-avx512vnni-bf16")  # it takes no optimization
    member_gone(kind="worker", name="celery@a")
    assert not FleetMember.objects.filter(name="celery@a").exists() and classes_online(kind="worker") == []


def test_the_engine_is_asked_its_class_and_recorded(monkeypatch, settings):
    from deploy.serving.repository import ServingClient, ServingError

    monkeypatch.setattr(ServingClient, "hardware", lambda self: {"hardware_class": "x86_64-intel-amx",
                                                                 "hardware": {"cpu_model": "Xeon"}})
    assert engine_probe() == "x86_64-intel-amx"
    assert engine_class(settings.SERVING_URL) == "x86_64-intel-amx"

    def down(self):
        raise ServingError("no answer", reached=False)

    monkeypatch.setattr(ServingClient, "hardware", down)
    assert engine_probe() is None  # nothing recorded; the last report ages out on its own
    assert engine_class(settings.SERVING_URL) == "x86_64-intel-amx"


def test_the_worker_heartbeat_writes_its_row_and_asks_the_engine_when_it_serves_it(monkeypatch):
    from compiler_core import hardware
    from optimizer_worker.fleet_heartbeat import FleetHeartbeat

    probed = []
    monkeypatch.setattr("fleet.services.engine_probe", lambda: probed.append(1))
    monkeypatch.setattr(hardware, "describe_hardware", lambda: dict(AVX2))
    beat = FleetHeartbeat(name="celery@w", queues=["cpu.x86_64-amd-avx2", "serving"], interval_s=5)
    beat.beat()
    member = FleetMember.objects.get(kind="worker", name="celery@w")
    assert member.hardware_class == "x86_64-amd-avx2" and member.queues == ["cpu.x86_64-amd-avx2", "serving"]
    assert probed == [1]
    beat.stop()
    assert not FleetMember.objects.filter(name="celery@w").exists()


def test_a_worker_joins_the_fleet_when_ready_with_its_queues_and_leaves_at_shutdown(monkeypatch):
    from types import SimpleNamespace

    from compiler_core import hardware
    from optimizer_worker import celery_app
    from optimizer_worker.fleet_heartbeat import FleetHeartbeat

    monkeypatch.setattr(hardware, "describe_hardware", lambda: dict(AVX2))
    monkeypatch.setattr(FleetHeartbeat, "start", FleetHeartbeat.beat)  # one beat, in this thread
    monkeypatch.setattr("fleet.services.engine_probe", lambda: None)
    queues = celery_app.app.amqp.queues
    consumed_before = queues._consume_from
    queues.select(["cpu.x86_64-amd-avx2", "serving"])
    try:
        celery_app._join_the_fleet(sender=SimpleNamespace(hostname="worker@host"))
        member = FleetMember.objects.get(name="worker@host")
        assert member.hardware_class == "x86_64-amd-avx2" and member.queues == ["cpu.x86_64-amd-avx2", "serving"]
        celery_app._leave_the_fleet()
        assert not FleetMember.objects.filter(name="worker@host").exists()
    finally:
        queues._consume_from = consumed_before
        celery_app._heartbeat = None
