import pytest

from compiler_core import hardware
from compiler_core.hardware import HardwareClassRefused
from optimizer_worker import queues

ZEN4 = {"vendor_id": "AuthenticAMD", "model name": "AMD EPYC 9B14",
        "flags": "sse4_2 avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16"}


@pytest.fixture(autouse=True)
def zen4_host(monkeypatch):
    """A synthetic AVX-512 VNNI/BF16 host, whatever machine runs the tests."""
    monkeypatch.delenv("WHETSTONE_WORKER_QUEUES", raising=False)
    monkeypatch.delenv(hardware.HARDWARE_CLASS_ENV, raising=False)
    monkeypatch.setattr(hardware, "_cpuinfo_fields", lambda: dict(ZEN4))
    monkeypatch.setattr(hardware.platform, "machine", lambda: "x86_64")
    hardware.describe_hardware.cache_clear()
    yield
    hardware.describe_hardware.cache_clear()


def test_cpu_machine_serves_its_class_queue_the_plain_cpu_queue_serving_and_events(monkeypatch):
    monkeypatch.setattr(queues, "gpu_available", lambda: False)
    assert queues.queues_for_this_machine() == ["cpu.x86_64-amd-avx512vnni-bf16", "cpu", "serving", "events"]


def test_a_declared_class_picks_its_queue(monkeypatch):
    monkeypatch.setattr(queues, "gpu_available", lambda: False)
    monkeypatch.setenv(hardware.HARDWARE_CLASS_ENV, "x86_64-amd-avx2")
    assert queues.queues_for_this_machine()[0] == "cpu.x86_64-amd-avx2"


def test_a_class_the_machine_cannot_serve_stops_the_worker(monkeypatch):
    monkeypatch.setenv(hardware.HARDWARE_CLASS_ENV, "x86_64-amd-amx")
    with pytest.raises(HardwareClassRefused, match="lacks amx_bf16, amx_int8, amx_tile"):
        queues.queues_for_this_machine()


def test_gpu_machine_also_takes_the_gpu_queue(monkeypatch):
    monkeypatch.setattr(queues, "gpu_available", lambda: True)
    assert "gpu" in queues.queues_for_this_machine()


def test_operator_override(monkeypatch):
    monkeypatch.setenv("WHETSTONE_WORKER_QUEUES", "gpu, events")
    assert queues.queues_for_this_machine() == ["gpu", "events"]


def test_the_web_side_routes_to_the_queue_the_worker_consumes():
    from whetstone.taskqueue import optimize_queue

    assert optimize_queue("cpu", "x86_64-amd-avx512vnni-bf16") == "cpu.x86_64-amd-avx512vnni-bf16"
    assert optimize_queue("cpu", "") == "cpu"
    assert optimize_queue("gpu", "x86_64-amd-avx2") == "gpu"
