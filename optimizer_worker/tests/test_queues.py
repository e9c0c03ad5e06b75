from optimizer_worker import queues


def test_cpu_machine_serves_cpu_serving_and_events(monkeypatch):
    monkeypatch.delenv("WHETSTONE_WORKER_QUEUES", raising=False)
    monkeypatch.setattr(queues, "gpu_available", lambda: False)
    assert queues.queues_for_this_machine() == ["cpu", "serving", "events"]


def test_gpu_machine_also_takes_the_gpu_queue(monkeypatch):
    monkeypatch.delenv("WHETSTONE_WORKER_QUEUES", raising=False)
    monkeypatch.setattr(queues, "gpu_available", lambda: True)
    assert "gpu" in queues.queues_for_this_machine()


def test_operator_override(monkeypatch):
    monkeypatch.setenv("WHETSTONE_WORKER_QUEUES", "gpu, events")
    assert queues.queues_for_this_machine() == ["gpu", "events"]
