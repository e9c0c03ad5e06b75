"""Writes to jobs: create, dispatch, run, cancel, reap."""

from __future__ import annotations

import json
import logging
import struct
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compiler_core.contracts.request import bounds as request_bounds

from whetstone import objectstore, taskqueue

from .events import job_finished
from .models import Job
from .runner import Deferred, JobCancelled, JobContext, JobFailed, heartbeat_is_fresh, package_root, run_job

logger = logging.getLogger(__name__)


class JobRejected(Exception):
    """The job cannot be created or changed; the message says why, `field` what it is about."""

    def __init__(self, message: str, *, field: str = "detail"):
        super().__init__(message)
        self.field = field


class CompileFn(Protocol):
    """Runs the compiler core on `model_path`, writing the package to `out_dir`.
    The worker provides it (a supervised child process); raises JobCancelled
    or JobFailed."""

    def __call__(self, *, model_path: Path, out_dir: Path, options: dict, workdir: Path,
                 context: JobContext) -> None: ...


def job_time_limits(recipe: str) -> tuple[int, int]:
    soft = settings.WHETSTONE_JOB_SOFT_TIME_LIMITS_S.get(recipe, settings.WHETSTONE_JOB_SOFT_TIME_LIMITS_S["auto"])
    return soft, soft + settings.WHETSTONE_JOB_HARD_TIME_LIMIT_GRACE_S


def job_dispatch(*, job: Job, countdown: float | None = None) -> bool:
    """Put the job's message in the outbox (sent after the caller's commit, or by the dispatcher
    when the broker is away). The row records when it was dispatched; a message the broker lost
    later is sent again by the reaper."""
    soft, hard = job_time_limits(job.recipe)
    taskqueue.send_on_commit(
        taskqueue.OPTIMIZE_TASK, args=[job.id], queue=taskqueue.optimize_queue(job.device, job.hardware_class),
        priority=job.priority, countdown=countdown, soft_time_limit=soft, time_limit=hard,
        key=f"optimize:{job.id}",
    )
    Job.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())
    return True


# What the compiler core reads: ONNX, and torch.export / TorchScript files through its
# sandboxed front end. "pytorch" (a full pickle, stored before uploads refused them) stays so that
# an operator who enabled WHETSTONE_ALLOW_PICKLE_MODELS on the workers can still optimize such a
# version; otherwise the compiler core refuses it and says why. TensorFlow needs a converter
# this platform does not ship.
OPTIMIZABLE_FORMATS = {"onnx", "pytorch-export", "torchscript", "pytorch"}


# What a job's options may hold, and the range of each number: the optimizer reads nothing else, so
# a misspelt or out-of-range option is refused here instead of running a job with the defaults.
# The accuracy budget's bounds are the request contract's (compiler_core.contracts.request); the time
# budget's range is the platform's own policy, narrower than the contract's (a worker job is at least
# 10 s and at most a day, in whole seconds); the API's serializer takes it from here.
_BUDGET_BOUNDS = request_bounds("accuracy_budget")
ACCURACY_BUDGET_RANGE = (f"greater than {_BUDGET_BOUNDS['gt']:g} and at most {_BUDGET_BOUNDS['le']:g} "
                         "(a cosine similarity to the fp32 original)")
TIME_BUDGET_S_RANGE = (10, 24 * 3600)
OPTION_NAMES = ("accuracy_budget", "shapes", "time_budget_s", "output_kinds")


def options_validate(*, model_version, options: dict) -> None:
    """Refuse options the optimizer would refuse or ignore, in the API's terms, before a job exists.
    Shapes are checked against the version's stored signature with the compiler core's own parser."""
    from compiler_core.shapes import check_shapes

    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise JobRejected(f"Unknown option(s) {unknown}; the options are {list(OPTION_NAMES)}.", field=unknown[0])
    budget = options.get("accuracy_budget")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float))
                               or not 0 < budget <= 1):
        raise JobRejected(f"accuracy_budget must be {ACCURACY_BUDGET_RANGE}; got {budget!r}.", field="accuracy_budget")
    time_budget = options.get("time_budget_s")
    low, high = TIME_BUDGET_S_RANGE
    if time_budget is not None and (isinstance(time_budget, bool) or not isinstance(time_budget, int)
                                    or not low <= time_budget <= high):
        raise JobRejected(f"time_budget_s must be a whole number of seconds from {low} to {high}; got {time_budget!r}.",
                          field="time_budget_s")
    problems = check_shapes(options.get("shapes"), model_version.signature or {}, model_format=model_version.format,
                            field="shapes", max_input_bytes=settings.WHETSTONE_MAX_INPUT_BYTES)
    if problems:
        raise JobRejected(" ".join(problems), field="shapes")
    output_kinds = options.get("output_kinds")
    outputs = [spec["name"] for spec in (model_version.signature or {}).get("outputs", [])]
    if output_kinds and outputs:  # before inspection, the worker's own check decides
        from compiler_core.output_kinds import OutputKindError, parse_output_kinds

        try:
            parse_output_kinds(output_kinds, outputs)
        except OutputKindError as exc:
            raise JobRejected(f"output_kinds: {exc}", field="output_kinds") from exc


def calibration_validate(*, model_version, files: list) -> list[dict[str, tuple]]:
    """Refuse calibration data the optimizer could not use, before anything is stored.
    Returns each file's arrays and their shapes ({name: shape}), in the order given."""
    inputs = sorted(spec["name"] for spec in (model_version.signature or {}).get("inputs", []))
    total = 0
    held = []
    for upload in files:
        total += upload.size
        if total > settings.WHETSTONE_MAX_CALIBRATION_BYTES:
            raise JobRejected(f"Calibration data is larger than {settings.WHETSTONE_MAX_CALIBRATION_BYTES} bytes.",
                              field="calibration")
        if not upload.name.lower().endswith(".npz"):
            raise JobRejected(f"{upload.name} is not an .npz file; calibration data is numpy .npz files, "
                              f"each holding arrays named {inputs}.", field="calibration")
        try:
            shapes = _calibration_array_shapes(upload)
        finally:
            upload.seek(0)
        missing = sorted(set(inputs) - set(shapes))
        if missing:
            raise JobRejected(f"{upload.name} lacks the inputs {missing}; each .npz must hold arrays named {inputs}.",
                              field="calibration")
        for spec in (model_version.signature or {}).get("inputs", []):
            if not _fits(shapes[spec["name"]], spec["shape"]):
                # The worker would feed it to the model as it is, and fail there with the runtime's error.
                wanted = "[" + ", ".join(str(d) if d is not None else "?" for d in spec["shape"]) + "]"
                raise JobRejected(f"{upload.name}: the array {spec['name']!r} has shape {list(shapes[spec['name']])}; "
                                  f"the model's input {spec['name']!r} takes {wanted} (a name is a dim of any size).",
                                  field="calibration")
        held.append(shapes)
    return held


# Calibration data is fed to the model as tensors: numbers or booleans only.
_CALIBRATION_KINDS = "biufc"  # bool, int, uint, float, complex
# An .npz may be compressed; past this many times the upload limit it is a zip bomb,
# which the check would otherwise spend minutes of the web process inflating.
_CALIBRATION_MAX_EXPANSION = 16


def _fits(shape: tuple, dims: list) -> bool:
    return len(shape) == len(dims) and all(not isinstance(d, int) or d == n for n, d in zip(shape, dims))


def _calibration_array_shapes(upload) -> dict[str, tuple]:
    """Read every array of an .npz through to its end, without building it in memory: its
    header gives the dtype and shape, its bytes must be exactly that many, and the zip's
    CRC is checked at the end. np.load(allow_pickle=False) alone lists the names and fails
    only when an object array is read, which would be the worker, not this check."""
    import zlib

    import numpy as np

    def refuse(reason: str) -> JobRejected:
        return JobRejected(f"{upload.name} {reason}", field="calibration")

    names = {}
    try:
        with zipfile.ZipFile(upload) as archive:
            expanded_limit = _CALIBRATION_MAX_EXPANSION * settings.WHETSTONE_MAX_CALIBRATION_BYTES
            if sum(info.file_size for info in archive.infolist()) > expanded_limit:
                raise refuse(f"expands to more than {expanded_limit} bytes; it looks like an archive bomb.")
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = info.filename.removesuffix(".npy")
                if not info.filename.endswith(".npy"):
                    raise refuse(f"holds {info.filename!r}, which is not a numpy array (.npy).")
                with archive.open(info) as member:
                    try:
                        version = np.lib.format.read_magic(member)
                        if version == (1, 0):
                            shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                        elif version == (2, 0):
                            shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                        else:
                            raise ValueError(f"npy format version {version} is not read here")
                    except ValueError as exc:
                        raise refuse(f"is damaged: the array {name!r} has no readable header ({exc}).") from exc
                    if dtype.hasobject or dtype.kind not in _CALIBRATION_KINDS or dtype.fields:
                        if dtype.hasobject:
                            raise refuse(f"holds Python objects in the array {name!r} (dtype object); reading "
                                         "them would mean loading them with pickle, which the server never does. "
                                         "Calibration arrays must be numbers or booleans.")
                        raise refuse(f"holds the array {name!r} of dtype {dtype.str}; calibration arrays must be "
                                     "numbers or booleans.")
                    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
                    if expected > expanded_limit:
                        raise refuse(f"holds the array {name!r} of shape {shape}, larger than {expanded_limit} "
                                     "bytes.")
                    read = 0
                    for chunk in iter(lambda: member.read(1024 * 1024), b""):
                        read += len(chunk)
                    if read != expected:
                        raise refuse(f"is damaged: the array {name!r} holds {read} bytes where its header "
                                     f"({dtype.str}, shape {shape}) says {expected}.")
                names[name] = tuple(shape)
    except JobRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError,
            struct.error) as exc:
        raise refuse(f"is not a readable .npz file ({exc}).") from exc
    return names


CALIBRATION_FROM_REQUEST = "request"


def calibration_prefix(*, job: Job) -> str:
    # Under the model's prefix, so that deleting the model purges it too.
    return f"models/{job.model_version.model_id}/calibration/job-{job.id}"


# hardware_class "all": one job per class served (see hardware_classes_for_all).
ALL_CLASSES = "all"


def waiting_stage(hardware_class: str) -> str:
    return f"waiting for a worker of class {hardware_class}"


def hardware_class_default() -> str:
    """The class a request that names none targets, first that applies:
    1. the class of the serving engines, when the online ones are all of one class (the package is
       measured where it will be served);
    2. WHETSTONE_DEFAULT_HARDWARE_CLASS, the operator's choice for a mixed or engine-less fleet;
    3. the class of the online workers, when they are all of one class;
    4. the class of the machine the API runs on: under `make run`, the local worker's.
    """
    from compiler_core.hardware import HardwareClassRefused, this_hardware_class
    from fleet.models import FleetMember
    from fleet.selectors import classes_online

    engines = classes_online(kind=FleetMember.Kind.ENGINE)
    if len(engines) == 1:
        return engines[0]
    if settings.WHETSTONE_DEFAULT_HARDWARE_CLASS:
        return settings.WHETSTONE_DEFAULT_HARDWARE_CLASS
    workers = classes_online(kind=FleetMember.Kind.WORKER)
    if len(workers) == 1:
        return workers[0]
    try:
        return this_hardware_class()
    except HardwareClassRefused as exc:  # this process's WHETSTONE_HARDWARE_CLASS: an operator's mistake
        raise JobRejected(f"No class to default to, and this server's own is refused ({exc}); name a "
                          "hardware_class.", field="hardware_class") from exc


def hardware_classes_for_all() -> list[str]:
    """What "all" fans out to: every class a serving engine online serves (its job waits if no worker
    of the class is online), and every class a worker online optimizes for (a package ready for an
    engine of that class)."""
    from fleet.models import FleetMember
    from fleet.selectors import classes_online

    classes = sorted(set(classes_online(kind=FleetMember.Kind.ENGINE)) | set(classes_online(kind=FleetMember.Kind.WORKER)))
    if not classes:
        raise JobRejected('hardware_class "all" fans out to the classes of the serving engines and workers online, '
                          "and none is online now; name a class instead.", field="hardware_class")
    return classes


def hardware_class_check(*, device: str, hardware_class: str) -> str:
    """The class a job of `device` targets: the one named, checked, or the default."""
    from compiler_core.hardware import HardwareClassRefused, parse_hardware_class

    if device != "cpu":
        if hardware_class:
            raise JobRejected("Hardware classes are CPU classes for now; a GPU job takes no hardware_class.",
                              field="hardware_class")
        return ""
    if not hardware_class:
        return hardware_class_default()
    try:
        parse_hardware_class(hardware_class)
    except HardwareClassRefused as exc:
        raise JobRejected(f"{exc} GET /api/v1/hardware/ lists the classes online.", field="hardware_class") from exc
    return hardware_class


def optimization_request(*, owner, model_version, recipe: str, options: dict, device: str = "cpu",
                         priority: int = 0, calibration: list | None = None, hardware_class: str = "") -> list[Job]:
    """The jobs one optimization request makes: one for the class it names (or the default), or with
    "all", one per class served, sharing a request_group. All of them or none."""
    import uuid

    if hardware_class != ALL_CLASSES:
        return [job_create(owner=owner, model_version=model_version, recipe=recipe, options=options, device=device,
                           priority=priority, calibration=calibration, hardware_class=hardware_class)]
    if device != "cpu":
        raise JobRejected('hardware_class "all" fans out over CPU classes; a GPU job takes none.',
                          field="hardware_class")
    group = uuid.uuid4().hex
    with transaction.atomic():
        return [job_create(owner=owner, model_version=model_version, recipe=recipe, options=options, device=device,
                           priority=priority, calibration=calibration, hardware_class=name, request_group=group)
                for name in hardware_classes_for_all()]


def job_note_waiting(*, job: Job, has_worker: dict[str, bool] | None = None) -> bool:
    """A queued job whose class has no worker online says so in its stage (and its log, once); once
    a worker of its class is online again, the stage is cleared. Returns whether it waits.
    `has_worker` memoizes the answer per class over a reaper pass."""
    from fleet.selectors import class_has_worker

    if not job.hardware_class or job.status != Job.Status.QUEUED:
        return False
    waiting = waiting_stage(job.hardware_class)
    has_worker = {} if has_worker is None else has_worker
    if job.hardware_class not in has_worker:
        has_worker[job.hardware_class] = class_has_worker(job.hardware_class)
    if has_worker[job.hardware_class]:
        if job.stage == waiting:
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED, stage=waiting).update(stage="")
            job.stage = ""
        return False
    if job.stage != waiting:
        line = (f"{timezone.now().isoformat(timespec='seconds')} no worker of class {job.hardware_class} is "
                "online; the job waits for one (it never runs on another class)")
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(stage=waiting,
                                                                                 log=[*job.log, line])
        if updated:
            job.stage, job.log = waiting, [*job.log, line]
    return True


def job_create(*, owner, model_version, recipe: str, options: dict, device: str = "cpu", priority: int = 0,
               calibration: list | None = None, hardware_class: str = "", request_group: str = "") -> Job:
    if device not in taskqueue.QUEUE_FOR_DEVICE:
        raise JobRejected(f"Unknown device {device!r}; choose one of {sorted(taskqueue.QUEUE_FOR_DEVICE)}.",
                          field="device")
    hardware_class = hardware_class_check(device=device, hardware_class=hardware_class)
    if model_version.format not in OPTIMIZABLE_FORMATS:
        raise JobRejected(
            f"Version {model_version.number} is a {model_version.get_format_display()} model; the optimizer reads "
            f"{', '.join(sorted(OPTIMIZABLE_FORMATS))}. Convert it to ONNX (e.g. with tf2onnx) and register that.",
            field="model",
        )
    options_validate(model_version=model_version, options=options)
    if calibration:
        calibration_validate(model_version=model_version, files=calibration)
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner, model_version=model_version, recipe=recipe, options=options, device=device,
            priority=priority, hardware_class=hardware_class, request_group=request_group,
        )
        if calibration:
            prefix = calibration_prefix(job=job)
            try:
                for index, upload in enumerate(calibration):
                    upload.seek(0)  # a request fanned out over classes stores the same files per job
                    objectstore.put_stream(f"{prefix}/batch-{index:03d}.npz", upload)
            except Exception:
                objectstore.delete_prefix(prefix)  # the row rolls back; leave no objects either
                raise
            job.options = {**options, "calibration_prefix": prefix, "calibration_source": CALIBRATION_FROM_REQUEST}
            job.save(update_fields=["options"])
        else:
            # No data of its own: the version's example inputs, if it has any, copied to the job now,
            # so that attaching other examples later never changes what this job uses.
            from modelhub.examples import EXAMPLES_SOURCE, version_examples_copy

            prefix = calibration_prefix(job=job)
            copied = version_examples_copy(version=model_version, prefix=prefix)
            if copied is not None:
                job.options = {**options, "calibration_prefix": prefix, "calibration_source": EXAMPLES_SOURCE,
                               "example_inputs": copied}
                job.save(update_fields=["options"])
        # In the same transaction (the outbox): sent after the commit, so a worker never picks up
        # a row it cannot read yet, and never lost when the broker is away.
        job_dispatch(job=job)
        job_note_waiting(job=job)
    return job


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once and never starts; a running one is
    asked to stop and ends `cancelled` within seconds."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_final:
            raise JobRejected(f"The job already ended ({job.status}); there is nothing to cancel.")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == Job.Status.QUEUED:
            job.status, job.finished_at = Job.Status.CANCELLED, timezone.now()
            fields += ["status", "finished_at"]
            transaction.on_commit(lambda: job_finished(job))
        job.save(update_fields=fields)
    return job


def job_run_optimization(*, job_id: int, worker: str, hardware: dict, compile_model: CompileFn) -> Deferred | None:
    """Download the model, compile it, publish the package.

    Publishing is fenced: the package goes to this attempt's own prefix, and the
    row points at it only through the runner's final conditional update, which a
    superseded attempt cannot make. Returns Deferred when the job must wait for a
    slot (the caller sends it again later).
    """
    with run_job(job_id, worker=worker, hardware=hardware) as context:
        if not isinstance(context, JobContext):
            return context
        job = context.job
        with tempfile.TemporaryDirectory(prefix=f"whetstone-job-{job.id}-") as workdir:
            workdir = Path(workdir)
            version = job.model_version
            context.progress("download", 1, f"fetching {version.storage_key}")
            # Every file of the version (ONNX external data lies beside the main file).
            model_dir = objectstore.get_dir(version.storage_prefix, workdir / "model")
            model_path = model_dir / version.storage_key[len(version.storage_prefix) + 1:]
            if not model_path.is_file():  # a store that cannot list: fetch the main file alone
                model_path = objectstore.get_to_path(version.storage_key, model_path)
            options = {"recipe": job.recipe, **(job.options or {})}
            if options.get("calibration_prefix"):
                from modelhub.examples import EXAMPLES_SOURCE

                from_examples = options.get("calibration_source") == EXAMPLES_SOURCE
                context.progress("download", 1, f"fetching the example inputs of version {version.number}"
                                 if from_examples else "fetching the calibration data")
                # The request contract's `calibration`: the directory the compiler core reads.
                options["calibration"] = str(objectstore.get_dir(options["calibration_prefix"],
                                                                      workdir / "calibration"))
                if from_examples:
                    options["calibration_label"] = f"example inputs of version {version.number}"
            try:
                compile_model(model_path=model_path, out_dir=workdir / "package", options=options, workdir=workdir,
                              context=context)
            except JobFailed as exc:
                if exc.kind == "NeedsExampleInputs":
                    from modelhub.examples import examples_how_to_attach

                    raise JobFailed(f"{exc} {examples_how_to_attach(version)}", kind=exc.kind) from exc
                raise
            if context.cancel_requested():
                raise JobCancelled()  # a cancelled job publishes nothing
            context.progress("publish", 97, "uploading the package")
            prefix = context.package_prefix()
            objectstore.put_dir(prefix, workdir / "package")
            job.report = json.loads((workdir / "package" / "report.json").read_text())
            job.package_prefix = prefix
            overall = job.report.get("overall", {})
            context.log(f"published {prefix} (speed-up {overall.get('speedup', '?')}x)")
    return None


def job_reap() -> dict[str, int]:
    """Find jobs whose worker vanished or whose message was lost, and act once:
    requeue (up to the attempt limit), then fail with the reason."""
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0, "cancelled": 0, "redispatched": 0}
    stale_before = now - timedelta(seconds=settings.WHETSTONE_HEARTBEAT_TIMEOUT_S)
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status != Job.Status.RUNNING or heartbeat_is_fresh(job):
                continue
            stamp = now.isoformat(timespec="seconds")
            if job.attempts >= settings.WHETSTONE_JOB_MAX_ATTEMPTS:
                job.status, job.finished_at = Job.Status.FAILED, now
                job.error = (f"The worker running this job ({job.worker}) stopped answering "
                             f"(no heartbeat since {job.heartbeat_at.isoformat(timespec='seconds')}), "
                             f"after {job.attempts} attempts.")
                job.log = [*job.log, f"{stamp} worker {job.worker} lost; failed after {job.attempts} attempts"]
                job.save(update_fields=["status", "finished_at", "error", "log"])
                transaction.on_commit(lambda job=job: job_finished(job))
                # A failed job publishes nothing: remove what its lost attempts uploaded.
                transaction.on_commit(lambda job=job: objectstore.delete_prefix(package_root(job_id=job.pk)))
                counts["failed"] += 1
                continue
            if job.cancel_requested:
                # Its owner asked to stop it: end it here. Requeued, it would wait on a message that
                # nobody sends again if the broker loses it (a cancelled job is never presumed lost).
                job.status, job.finished_at = Job.Status.CANCELLED, now
                job.log = [*job.log, f"{stamp} worker {job.worker} lost (no heartbeat); cancelled as asked"]
                job.save(update_fields=["status", "finished_at", "log"])
                transaction.on_commit(lambda job=job: job_finished(job))
                transaction.on_commit(lambda job=job: objectstore.delete_prefix(package_root(job_id=job.pk)))
                counts["cancelled"] += 1
                continue
            job.status, job.stage, job.dispatched_at = Job.Status.QUEUED, "requeued", None
            job.log = [*job.log, f"{stamp} worker {job.worker} lost (no heartbeat); requeued"]
            job.save(update_fields=["status", "stage", "dispatched_at", "log"])
            job_dispatch(job=job)
            counts["requeued"] += 1
    for job in _presumed_lost_messages(now):
        if job_dispatch(job=job):
            counts["redispatched"] += 1
    has_worker: dict[str, bool] = {}
    counts["waiting"] = sum(job_note_waiting(job=job, has_worker=has_worker) for job in
                            Job.objects.filter(status=Job.Status.QUEUED, cancel_requested=False)
                            .exclude(hardware_class=""))
    return counts



def _presumed_lost_messages(now) -> list[Job]:
    """Queued jobs whose message is probably gone (a broker restart can drop
    messages a worker had reserved). Sending one again is always safe: a
    duplicate delivery finds the job running or ended and does nothing.

    A queued job's message is presumed lost when
    - it was never sent (the broker was down when the job was created);
    - a job sent after it, on the same queue (device and hardware class) at no
      higher priority, has already started: the queue has moved past it;
    - nothing of its queue is running and a worker of its class is online, yet it
      has waited past the idle grace;
    - or it has waited past the absolute limit.
    """
    queued = Job.objects.filter(status=Job.Status.QUEUED, cancel_requested=False)
    lost = list(queued.filter(dispatched_at__isnull=True, created_at__lt=now - timedelta(seconds=5)))
    waiting = list(queued.filter(dispatched_at__lt=now - timedelta(seconds=settings.WHETSTONE_LOST_MESSAGE_GRACE_S)))
    if not waiting:
        return lost
    from fleet.selectors import class_has_worker

    # A queue is a device and a hardware class: jobs of another class never overtake one.
    running_queues = set(Job.objects.filter(status=Job.Status.RUNNING).values_list("device", "hardware_class"))
    # One query for the whole pass: the latest send of a job that started, per queue and priority.
    latest_started = {
        (row["device"], row["hardware_class"], row["priority"]): row["latest"]
        for row in Job.objects.filter(started_at__isnull=False, dispatched_at__isnull=False)
        .values("device", "hardware_class", "priority").annotate(latest=Max("dispatched_at"))
    }
    for job in waiting:
        overtaken = any(
            (device, hardware_class) == (job.device, job.hardware_class) and priority <= job.priority
            and latest > job.dispatched_at + timedelta(seconds=1)
            for (device, hardware_class, priority), latest in latest_started.items()
        )
        # A job whose class has no worker online is not idle but waiting: its message lies in its
        # class's queue until a worker of that class comes.
        idle_too_long = (job.device, job.hardware_class) not in running_queues and job.dispatched_at < now - timedelta(
            seconds=settings.WHETSTONE_IDLE_REDISPATCH_S) and (not job.hardware_class
                                                                or class_has_worker(job.hardware_class))
        too_old = job.dispatched_at < now - timedelta(seconds=settings.WHETSTONE_REDISPATCH_AFTER_S)
        if overtaken or idle_too_long or too_old:
            lost.append(job)
    return lost


def job_sweep_orphans(*, older_than: timedelta) -> int:
    """Remove package objects no job points at: those of jobs that no longer exist, and, for jobs
    that ended, every object outside the published package (an attempt killed while uploading,
    with the object store away when its job ended). Objects younger than `older_than` are left, so
    nothing that an attempt is writing right now is touched. Returns the number removed."""
    cutoff = timezone.now() - older_than
    try:
        folders, _ = objectstore.listdir("packages")
    except FileNotFoundError:
        return 0
    ids = [int(name) for name in folders if name.isdigit()]
    jobs = {job.pk: job for job in Job.objects.filter(pk__in=ids).only("pk", "status", "package_prefix")}
    removed = 0
    for job_id in ids:
        job = jobs.get(job_id)
        if job is not None and not job.is_final:
            continue
        # A succeeded job keeps its package and what was exported from it (exports.py).
        keep = (f"{job.package_prefix}/", f"{package_root(job_id=job_id)}/triton/") \
            if job is not None and job.package_prefix else ()
        for key in objectstore.list_keys(package_root(job_id=job_id)):
            if keep and key.startswith(keep):
                continue
            if objectstore.modified_at(key) < cutoff:
                objectstore.delete_key(key)
                removed += 1
    return removed
