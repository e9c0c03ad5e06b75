"""Fencing: an attempt that was superseded while it was silent writes nothing.

These drive the runner with a stand-in compile step (it writes a package as the
compiler core would); tests/e2e/test_job_reliability.py shows the same with real
workers, one of them stopped with SIGSTOP.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from jobs.models import Job
from jobs.runner import AttemptSuperseded, JobContext, package_root, run_job
from jobs.services import job_reap, job_run_optimization
from modelhub.models import ModelVersion
from tests.support.models import tiny_mlp
from whetstone import objectstore

pytestmark = pytest.mark.django_db

HARDWARE = {"cpu": "test"}


@pytest.fixture
def job(api, user, tmp_path, monkeypatch):
    monkeypatch.setattr("jobs.services.job_dispatch", lambda **kwargs: True)  # no broker here
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "fenced"}, format="multipart").json()
    version = ModelVersion.objects.get(model_id=model["id"], number=1)
    return Job.objects.create(owner=user, model_version=version, recipe="lossless")


def _writes_package(marker: str):
    def compile_model(*, model_path: Path, out_dir: Path, options: dict, workdir: Path, context) -> None:
        out_dir.mkdir(parents=True)
        (out_dir / "model.onnx").write_bytes(model_path.read_bytes())
        (out_dir / "report.json").write_text(json.dumps({"overall": {"speedup": 1.0}, "by": marker}))
    return compile_model


def _stall_past_the_heartbeat_timeout(job_id: int) -> None:
    """What the reaper sees of a worker stopped with SIGSTOP: a heartbeat that went stale."""
    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert job_reap()["requeued"] == 1


def test_a_stalled_attempt_that_wakes_after_another_finished_publishes_nothing(job, local_object_store):
    def stalls_then_wakes(**kwargs) -> None:
        # Attempt 1 stalls mid-compile; the reaper requeues the job and attempt 2 runs it to the end.
        _stall_past_the_heartbeat_timeout(job.pk)
        assert job_run_optimization(job_id=job.pk, worker="worker-b", hardware=HARDWARE,
                                    compile_model=_writes_package("b")) is None
        # Then attempt 1 wakes and finishes its compile as if nothing happened.
        _writes_package("a")(**kwargs)

    job_run_optimization(job_id=job.pk, worker="worker-a", hardware=HARDWARE, compile_model=stalls_then_wakes)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2 and job.worker == "worker-b"
    # The row, the stored report and the package all come from attempt 2.
    assert job.report["by"] == "b"
    assert json.loads(objectstore.read_text(f"{job.package_prefix}/report.json"))["by"] == "b"
    assert sorted(objectstore.list_keys(package_root(job_id=job.pk))) == [
        f"{job.package_prefix}/{name}" for name in ("model.onnx", "report.json")]
    # One start per attempt in the log, and nothing from attempt 1 after it was superseded.
    starts = [line for line in job.log if "started on" in line]
    assert len(starts) == 2 and "[attempt 1]" in starts[0] and "[attempt 2]" in starts[1]
    after_takeover = job.log[job.log.index(next(line for line in job.log if "requeued" in line)):]
    assert not any("[attempt 1]" in line for line in after_takeover), job.log
    assert sum("succeeded" in line for line in job.log) == 1


def test_a_superseded_attempt_cannot_write_progress_heartbeat_or_log(job):
    with run_job(job.pk, worker="worker-a", hardware=HARDWARE) as first:
        assert isinstance(first, JobContext)
        _stall_past_the_heartbeat_timeout(job.pk)
        with run_job(job.pk, worker="worker-b", hardware=HARDWARE) as second:
            second.progress("search", 40, "attempt 2 at work")
            second.time_budget(87.2)  # the compiler raised the request's budget to the model's minimum
            for write in (lambda: first.progress("publish", 97, "stale"), first.heartbeat,
                          lambda: first.log("stale line"), lambda: first.time_budget(600)):
                with pytest.raises(AttemptSuperseded):
                    write()
            job.refresh_from_db()
            assert job.stage == "search" and job.progress == 40 and job.worker == "worker-b"
            assert job.effective_time_budget_s == 88
            assert not any("stale" in line for line in job.log)
            # Even if the stale attempt swallowed the refusal and ended normally, it could not finish the job.
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2


def test_a_failed_job_leaves_no_package_behind_from_any_attempt(job, local_object_store):
    # A worker killed while uploading (no chance to clean up) left half a package under its attempt's prefix.
    orphan = f"{package_root(job_id=job.pk)}/attempt-1-killed/model.onnx"
    objectstore.put_stream(orphan, io.BytesIO(b"truncated"))

    def fails(**kwargs):
        from jobs.runner import JobFailed
        raise JobFailed("the model cannot be compiled")

    job_run_optimization(job_id=job.pk, worker="worker-b", hardware=HARDWARE, compile_model=fails)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.package_prefix == ""
    assert objectstore.list_keys(package_root(job_id=job.pk)) == []


def test_the_attempt_that_succeeds_clears_what_a_killed_attempt_left(job, local_object_store):
    orphan = f"{package_root(job_id=job.pk)}/attempt-1-killed/model.onnx"
    objectstore.put_stream(orphan, io.BytesIO(b"truncated"))
    job_run_optimization(job_id=job.pk, worker="worker-b", hardware=HARDWARE, compile_model=_writes_package("b"))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert sorted(objectstore.list_keys(package_root(job_id=job.pk))) == [
        f"{job.package_prefix}/{name}" for name in ("model.onnx", "report.json")]


def test_a_job_cancelled_while_its_worker_was_lost_is_not_left_queued_forever(job):
    from jobs.services import _presumed_lost_messages

    with run_job(job.pk, worker="worker-a", hardware=HARDWARE) as first:
        assert isinstance(first, JobContext)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # the owner cancels; the worker dies
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        job_reap()
    # If the reaper sent it round again, that message is lost (a broker restart), and a long time passes.
    Job.objects.filter(pk=job.pk).update(dispatched_at=timezone.now() - timedelta(days=1))
    job_reap()

    job.refresh_from_db()
    lost = {queued.pk for queued in _presumed_lost_messages(timezone.now())}
    assert job.is_final or job.pk in lost, (
        f"the job stays {job.status} with its cancel requested, and no message will ever come for it")
    assert job.status in (Job.Status.CANCELLED, Job.Status.QUEUED)


def test_a_cancel_asked_while_the_package_is_published_ends_the_job_cancelled_with_nothing_published(
        job, local_object_store, monkeypatch):
    """After the runner's last cancel check, a cancel was accepted (202); it must win over the success."""
    from jobs import services

    upload = services.objectstore.put_dir

    def upload_then_cancel(prefix, directory):
        keys = upload(prefix, directory)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # POST /jobs/{id}/cancel/ lands now
        return keys

    monkeypatch.setattr(services.objectstore, "put_dir", upload_then_cancel)
    job_run_optimization(job_id=job.pk, worker="worker-a", hardware=HARDWARE, compile_model=_writes_package("a"))
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.package_prefix == ""
    assert objectstore.list_keys(package_root(job_id=job.pk)) == []
    assert not any(line.endswith("succeeded") for line in job.log)


def test_a_database_blip_costs_a_heartbeat_not_the_job(job, monkeypatch):
    from django.db import OperationalError

    with run_job(job.pk, worker="worker-a", hardware=HARDWARE) as context:
        real = context._write

        def database_away(**fields):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(context, "_write", database_away)
        context.heartbeat()  # no exception: the work carries on
        context.progress("search", 50, "while the database restarts")
        monkeypatch.setattr(context, "_write", real)
        context.progress("runoff", 80, "it is back")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.stage == "runoff"
