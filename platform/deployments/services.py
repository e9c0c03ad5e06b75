"""Writes to deployments. Loading and unloading run on a worker that can reach
the serving engine's model repository; the web process only records intent.

Lifecycle: pending → loading → ready | failed. A redeploy moves a ready
deployment to updating: the newer job's package is loaded under the same engine
model name while the old one keeps answering, and the engine swaps them once the
new one is loaded (see deploy.serving.repository.redeploy_package). Then ready
again, serving the new job; or, if the engine refused the new package (or did
not finish loading it in time), ready still serving the old one, with the
reason in `message`.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.exports import get_package
from jobs.models import Job
from outbox.models import OutboxMessage
from whetstone import taskqueue

from .models import Deployment, TrafficSample
from .traffic import MetricsUnavailable, engine_counts, fetch_metrics

logger = logging.getLogger(__name__)

HTTP_NOT_FOUND = 404  # the engine's answer to an unload of a model it does not have

ACCESS_TOKEN_PREFIX = "wst_"
MAX_BATCH_SIZE_LIMIT = 1024
MAX_BATCH_TIME_LIMIT_S = 1.0
# Readiness probes answer fast or not at all; the API must not hang on a dead engine.
HEALTH_TIMEOUT_S = 2.0


class DeploymentRejected(Exception):
    """The request cannot be carried out; the message says why, for the user."""

    def __init__(self, message: str, *, field: str = "non_field_errors"):
        super().__init__(message)
        self.field = field


class DeploymentConflict(DeploymentRejected):
    """The request contradicts the state of things (a package measured on another class than the
    engine's): answered 409 with the reason."""


@dataclass(frozen=True)
class Batching:
    max_batch_size: int = 0
    max_batch_time: float = 0.0


@dataclass(frozen=True)
class DeploymentHealth:
    live: bool
    ready: bool
    message: str


def _check_deployable(job: Job) -> None:
    if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
        raise DeploymentRejected(f"Job {job.pk} has no package to deploy (status: {job.status}).", field="job")


def _check_batching(job: Job, batching: Batching) -> None:
    if batching.max_batch_size <= 1:
        return
    if batching.max_batch_size > MAX_BATCH_SIZE_LIMIT:
        raise DeploymentRejected(f"max_batch_size is at most {MAX_BATCH_SIZE_LIMIT}.", field="max_batch_size")
    if not 0 < batching.max_batch_time <= MAX_BATCH_TIME_LIMIT_S:
        raise DeploymentRejected(
            f"Adaptive batching needs max_batch_time in seconds, above 0 and at most {MAX_BATCH_TIME_LIMIT_S} "
            "(e.g. 0.005 waits up to 5 ms for a batch to fill).", field="max_batch_time")
    # The engine stacks requests along the first dim: every tensor must have a
    # symbolic (any size) first dim, or stacked requests would not fit the model.
    signature = job.model_version.signature or {}
    fixed = [
        f"{tensor.get('name')} {tensor.get('shape')}"
        for tensor in [*signature.get("inputs", []), *signature.get("outputs", [])]
        if not tensor.get("shape") or not isinstance(tensor["shape"][0], str)
    ]
    if fixed:
        raise DeploymentRejected(
            "Adaptive batching stacks requests along the first dim, so every input and output needs a "
            f"dynamic batch dim first; these do not: {', '.join(fixed)}. Deploy without max_batch_size.",
            field="max_batch_size")


def package_hardware_class(job: Job) -> str:
    """The class a job's package was measured on: the job's own (the queue of its class, which only
    workers of that class take), else, for jobs queued before classes existed, its report's. The
    report is what the compile child wrote, and code that ran there could claim any class."""
    return job.hardware_class or ((job.report or {}).get("hardware_context") or {}).get("hardware_class") or ""


def _other_class_reason(job: Job, engine_class: str) -> str:
    return (f"Job {job.pk}'s package was measured on {package_hardware_class(job)}; the serving engine is "
            f"{engine_class}, where its speed-up and accuracy were never measured. Optimize for {engine_class} "
            f"(\"hardware_class\": \"{engine_class}\"), or pass \"allow_other_class\": true to deploy it anyway "
            "(the deployment is then marked measured on another class).")


@dataclass(frozen=True)
class PackageChoice:
    job: Job
    engine_class: str
    measured_on_other_class: bool
    note: str = ""


def package_for_engine(*, job: Job, visible_jobs, allow_other_class: bool = False) -> PackageChoice:
    """Which package to serve for a request naming `job`: the job's own when it was measured on
    the serving engine's class (or the engine's class is not known yet: the deploy task checks it
    again); else the package of the same model version and recipe built for the engine's class, if
    the caller may see one (the same request's first); else, with allow_other_class, the job's own,
    marked; else DeploymentConflict saying why."""
    from fleet.selectors import engine_class as reported_engine_class

    engine = reported_engine_class(settings.SERVING_URL) or ""
    measured_on = package_hardware_class(job)
    if not engine or not measured_on or measured_on == engine:
        return PackageChoice(job, engine, False)
    if allow_other_class:
        return PackageChoice(job, engine, True)
    built_here = (visible_jobs.filter(model_version_id=job.model_version_id, recipe=job.recipe,
                                      status=Job.Status.SUCCEEDED, hardware_class=engine)
                  .exclude(package_prefix="").order_by("-finished_at", "-id"))
    sibling = (job.request_group and built_here.filter(request_group=job.request_group).first()) or built_here.first()
    if sibling is not None:
        return PackageChoice(sibling, engine, False, note=(
            f"Job {job.pk} was measured on {measured_on}; serving job {sibling.pk}, built for the engine's class "
            f"{engine}."))
    raise DeploymentConflict(_other_class_reason(job, engine), field="job")


def deployment_create(
    *, owner, job: Job, access_token: bool = False, batching: Batching = Batching(), allow_other_class: bool = False,
) -> tuple[Deployment, str | None]:
    """Record a deployment and queue its load. Returns the deployment and, when
    asked for, its access token: the only time the token is ever shown. The package served is
    the one built for the engine's hardware class (package_for_engine)."""
    from jobs.selectors import job_list

    _check_deployable(job)
    choice = package_for_engine(job=job, visible_jobs=job_list(user=owner), allow_other_class=allow_other_class)
    job = choice.job
    _check_batching(job, batching)
    token = f"{ACCESS_TOKEN_PREFIX}{secrets.token_urlsafe(32)}" if access_token else None
    with transaction.atomic():
        deployment = Deployment.objects.create(
            owner=owner, job=job, name=f"m{job.model_version.model_id}-j{job.pk}-{uuid.uuid4().hex[:6]}",
            access_token_hash=_hash(token) if token else "",
            max_batch_size=batching.max_batch_size if batching.max_batch_size > 1 else 0,
            max_batch_time=batching.max_batch_time if batching.max_batch_size > 1 else 0.0,
            hardware_class=choice.engine_class, allow_other_class=allow_other_class,
            measured_on_other_class=choice.measured_on_other_class, message=choice.note,
        )
        _send(taskqueue.DEPLOY_TASK, deployment.pk)
    return deployment, token


def deployment_redeploy(*, deployment: Deployment, job: Job, batching: Batching | None = None,
                        allow_other_class: bool = False) -> Deployment:
    """Replace the served package by `job`'s (or its sibling built for the engine's class, see
    package_for_engine), keeping the endpoint URL (and token) answering."""
    from jobs.selectors import job_list

    _check_deployable(job)
    choice = package_for_engine(job=job, visible_jobs=job_list(user=deployment.owner),
                                allow_other_class=allow_other_class)
    job = choice.job
    if job.model_version.model_id != deployment.job.model_version.model_id:
        raise DeploymentRejected(
            f"Job {job.pk} optimized another model; a deployment serves newer packages of model "
            f"{deployment.job.model_version.model_id} only.", field="job")
    if batching is None:
        batching = Batching(deployment.max_batch_size, deployment.max_batch_time)
    _check_batching(job, batching)
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        if locked.status != Deployment.Status.READY:
            raise DeploymentRejected(
                f"Deployment {locked.pk} is {locked.status}; only a ready deployment can take a newer package "
                "(wait for the current load or update to finish).")
        locked.status, locked.target_job, locked.message = Deployment.Status.UPDATING, job, choice.note
        locked.max_batch_size = batching.max_batch_size if batching.max_batch_size > 1 else 0
        locked.max_batch_time = batching.max_batch_time if batching.max_batch_size > 1 else 0.0
        locked.allow_other_class = allow_other_class
        locked.save(update_fields=["status", "target_job", "message", "max_batch_size", "max_batch_time",
                                   "allow_other_class", "updated_at"])
        # The deploy task brings the engine in line with the row: it loads
        # target_job's package because the row says updating.
        _send(taskqueue.DEPLOY_TASK, locked.pk)
    return locked


def deployment_stop(*, deployment: Deployment) -> Deployment:
    # A stop of a stopping deployment sends the undeploy again: nothing watches
    # stopping rows, so if the first message was lost (broker down at commit,
    # worker gone) a retried stop is the way out. Unloading twice is harmless.
    if deployment.status == Deployment.Status.STOPPED:
        return deployment
    with transaction.atomic():
        deployment.status = Deployment.Status.STOPPING
        deployment.save(update_fields=["status", "updated_at"])
        _send(taskqueue.UNDEPLOY_TASK, deployment.pk)
    return deployment


def deployment_health(*, deployment: Deployment) -> DeploymentHealth:
    """Ask the engine now: is it live, and is this deployment's model ready to answer?"""
    from deploy.serving.repository import ServingClient, ServingError

    # The admin token: a token-protected model's readiness answers only it (or the model's token).
    client = ServingClient(settings.SERVING_URL, timeout=HEALTH_TIMEOUT_S, admin_token=settings.SERVING_ADMIN_TOKEN)
    if not client.live():
        return DeploymentHealth(live=False, ready=False, message="The serving engine does not answer.")
    try:
        ready = client.ready(deployment.name)
    except ServingError as exc:
        return DeploymentHealth(live=True, ready=False, message=exc.message)
    return DeploymentHealth(live=True, ready=ready,
                            message="" if ready else f"Model {deployment.name} is not loaded in the engine.")


def _hash(token: str) -> str:
    from deploy.serving.repository import access_token_hash

    return access_token_hash(token)


def _set(deployment: Deployment, status: str, message: str = "", **fields) -> None:
    deployment.status, deployment.message = status, message
    for field, value in fields.items():
        setattr(deployment, field, value)
    deployment.save(update_fields=["status", "message", "updated_at", *fields])


def _claim(deployment_id: int, expected: tuple[str, ...], claimed: str) -> Deployment | None:
    """Move the row from one of `expected` to `claimed`; None when a stop (or a
    delivery that finished) got there first."""
    with transaction.atomic():
        deployment = (Deployment.objects.select_for_update(of=("self",)).select_related("job", "target_job")
                      .filter(pk=deployment_id).first())
        if deployment is None or deployment.status not in expected:
            return None
        deployment.status = claimed
        deployment.save(update_fields=["status", "updated_at"])
        return deployment


def _send(task: str, deployment_id: int) -> None:
    taskqueue.send_on_commit(task, args=[deployment_id], queue=taskqueue.SERVING_QUEUE, key=f"{task}:{deployment_id}")


# Which message brings a deployment in each unsettled state in line with its row.
_UNSETTLED = {Deployment.Status.PENDING: taskqueue.DEPLOY_TASK, Deployment.Status.LOADING: taskqueue.DEPLOY_TASK,
              Deployment.Status.UPDATING: taskqueue.DEPLOY_TASK, Deployment.Status.STOPPING: taskqueue.UNDEPLOY_TASK}


def deployment_reap() -> int:
    """Send again the message of a deployment that has waited too long for it: a broker can lose a
    message (one handed to a worker that was killed that instant is gone with it), and no row may
    wait for good. Loads and unloads are idempotent on the row, so a message that was only late
    costs a no-op. A deployment that is loading or updating gets the engine's load timeout first.
    Returns the number sent."""
    now = timezone.now()
    quick = timedelta(seconds=settings.WHETSTONE_DEPLOYMENT_REDISPATCH_S)
    slow = quick + timedelta(seconds=2 * settings.SERVING_LOAD_TIMEOUT_S)
    sent = 0
    for deployment in Deployment.objects.filter(status__in=list(_UNSETTLED), updated_at__lt=now - quick):
        wait = slow if deployment.status in (Deployment.Status.LOADING, Deployment.Status.UPDATING) else quick
        task = _UNSETTLED[deployment.status]
        last_sent = (OutboxMessage.objects.filter(key=f"{task}:{deployment.pk}").order_by("-id")
                     .values_list("created_at", flat=True).first())
        if deployment.updated_at > now - wait or (last_sent is not None and last_sent > now - wait):
            continue
        logger.warning("deployment %s has been %s since %s; sending %s again", deployment.pk, deployment.status,
                       deployment.updated_at.isoformat(timespec="seconds"), task)
        _send(task, deployment.pk)
        sent += 1
    return sent


# Served deployments: the engine answers (and counts) calls for them.
_SERVED = (Deployment.Status.READY, Deployment.Status.UPDATING)


def deployment_traffic_sample(*, now=None) -> dict[str, int]:
    """Record one TrafficSample per served deployment from one read of the engine's metrics page,
    and drop the samples older than WHETSTONE_TRAFFIC_RETENTION_S. The reaper runs it every
    WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S; an engine that does not answer leaves a gap (no sample),
    which the history shows as minutes without figures. A model the engine has not counted yet
    is recorded at zero, so its first calls show as an increase. A new engine process's verdicts on
    the models it loaded again are taken into their rows (_follow_engine_restarts)."""
    now = now or timezone.now()
    pruned, _ = TrafficSample.objects.filter(
        observed_at__lt=now - timedelta(seconds=settings.WHETSTONE_TRAFFIC_RETENTION_S)).delete()
    served = list(Deployment.objects.filter(status__in=_SERVED).values_list("pk", "name"))
    if not served:
        return {"sampled": 0, "pruned": pruned, "rechecked": 0}
    try:
        page = engine_counts(fetch_metrics(settings.SERVING_METRICS_URL))
    except (MetricsUnavailable, ValueError) as exc:
        logger.debug("no traffic sample: %s", exc)
        return {"sampled": 0, "pruned": pruned, "rechecked": 0}
    samples = []
    for pk, name in served:
        counts = page.models.get(name)
        samples.append(TrafficSample(
            deployment_id=pk, observed_at=now, engine_started_at=page.started_at,
            requests=round(counts.success + counts.failure) if counts else 0,
            errors=round(counts.failure) if counts else 0,
            latency_buckets=dict(counts.buckets) if counts else {},
        ))
    TrafficSample.objects.bulk_create(samples)
    return {"sampled": len(samples), "pruned": pruned, "rechecked": _follow_engine_restarts(page.started_at)}


# Rows whose verdicts a sample reads again at most (one metadata call each): the reaper's pass stays short.
RECHECKS_PER_SAMPLE = 20


def _follow_engine_restarts(started_at: float | None) -> int:
    """A new engine process loaded its models again and checked them again, perhaps on another machine
    (a pod moved to a node of another CPU generation): each ready row takes that process's verdicts,
    once the model answers with them (until then the next sample tries again). A row loaded since the
    last sample reads them once too, and so learns which process holds them. Returns how many rows
    took verdicts."""
    if started_at is None:
        return 0
    # In no fixed order: rows whose models are still loading must not hold the places of the others.
    stale = (Deployment.objects.filter(status=Deployment.Status.READY)
             .exclude(verdicts_engine_started_at=started_at).order_by("?")
             .values_list("pk", "name", "updated_at")[:RECHECKS_PER_SAMPLE])
    return sum(_take_verdicts_again(pk, name, updated_at, started_at) for pk, name, updated_at in stale)


def _take_verdicts_again(pk: int, name: str, updated_at, started_at: float) -> bool:
    """The row takes the engine's verdicts, unless it moved on meanwhile (an update, a stop). On the
    same machine, a speed verdict replaces only one of its kind or a lesser one (a full measurement
    is not replaced by single runs, nor by a check that did not run: at an engine's start the checks
    take turns, and the last may run out of time). A ready row's message follows the speed verdict
    only where it was empty or one of these notes. The engine's class is the row's again, and a
    package now served on another class than it was measured on says so. A model the new process
    did not load (once its start-up loads are done) is said in the message; the row's status is left
    alone, since an engine started on another model folder would answer so for every deployment."""
    from deploy.serving.repository import ServingError

    try:
        accuracy, speed = _verdicts_on_engine(name, raise_errors=True)
    except ServingError as exc:
        client = _repository_client(HEALTH_TIMEOUT_S)
        if exc.status_code == HTTP_NOT_FOUND and client.all_ready():
            return _not_loaded_after_restart(pk, updated_at, started_at, _refused_at_start(client, name))
        return False
    if accuracy is None and speed is None:
        return False  # still loading: the next sample asks again
    with transaction.atomic():
        row = _locked_as_listed(pk, updated_at)
        if row is None:
            return False
        fields = {"verdicts_engine_started_at": started_at, "updated_at": timezone.now()}
        ours = _sampler_may_rewrite(row.message)
        if accuracy is not None:
            fields["accuracy_on_engine"] = accuracy
        if speed is not None and (not _same_machine(row.speed_on_engine, speed)
                                  or _depth(speed) >= _depth(row.speed_on_engine)):
            fields["speed_on_engine"] = speed
        if ours:  # what the verdicts kept say now (an earlier process's note goes with it)
            fields["message"] = _speed_warning(fields.get("speed_on_engine", row.speed_on_engine))
        engine = next((v["hardware_class"] for v in (accuracy, speed)
                       if isinstance(v, dict) and isinstance(v.get("hardware_class"), str)), "")
        if engine:
            measured_on = package_hardware_class(row.job)
            fields["hardware_class"] = engine
            fields["measured_on_other_class"] = bool(measured_on and measured_on != engine)
            if fields["measured_on_other_class"] and not row.allow_other_class and ours:
                # Before the speed warning, which stays in the message where there is one.
                fields["message"] = " ".join(filter(None, (
                    f"{OTHER_CLASS_PREFIX}{engine}, and this package was measured on {measured_on}: its report's "
                    f"figures describe another machine; redeploy a package optimized for {engine}.",
                    fields["message"])))
        Deployment.objects.filter(pk=pk).update(**fields)
    return True


# How a deployment's message begins when the package's own files were refused before any load
# (compiler_core.package_policy, applied when it is staged).
PACKAGE_REFUSED = "The package was refused before it was loaded"

# How the notes the sampler writes begin (see _take_verdicts_again): it replaces only these, and its own.
OTHER_CLASS_PREFIX = "The serving engine is now "
NOT_LOADED = "The serving engine restarted and has not loaded this deployment's package"


def _locked_as_listed(pk: int, updated_at) -> Deployment | None:
    """The ready row, locked, if it is as the sampler listed it: an update, a stop or a load since then
    has verdicts and a message of its own."""
    return (Deployment.objects.select_for_update().select_related("job")
            .filter(pk=pk, status=Deployment.Status.READY, updated_at=updated_at).first())


def _sampler_may_rewrite(message: str) -> bool:
    """Empty, or one of the sampler's own notes or the speed warning: anything else is another's."""
    from deploy.serving.speed_on_load import WARNING_PREFIX

    return not message or message.startswith((WARNING_PREFIX, OTHER_CLASS_PREFIX, NOT_LOADED))


def _refused_at_start(client, name: str) -> str:
    """The engine's reason for not loading `name` at its start (its repository index), or ""."""
    from deploy.serving.repository import ServingError

    try:
        items = client.index()
    except (ServingError, ValueError):
        return ""
    reason = next((item.get("reason") for item in items if isinstance(item, dict) and item.get("name") == name), "")
    return reason if isinstance(reason, str) else ""


def _not_loaded_after_restart(pk: int, updated_at, started_at: float, refused: str) -> bool:
    with transaction.atomic():
        row = _locked_as_listed(pk, updated_at)
        if row is None:
            return False
        fields = {"verdicts_engine_started_at": started_at, "updated_at": timezone.now()}
        if _sampler_may_rewrite(row.message):
            why = (f"it refused it there: {refused.rstrip('.')}." if refused else
                   "it did not say why, so it serves another model folder or lost the staged copy (its log says).")
            fields["message"] = (f"{NOT_LOADED}: {why} The staged copy is tried again at each start; redeploy a "
                                 "package optimized for the engine's class, or stop the deployment.")
        Deployment.objects.filter(pk=pk).update(**fields)
    return True


def _depth(verdict) -> int:
    """How much a speed verdict measured: 2 the full interleaved measurement, 1 single runs, 0 nothing."""
    if not isinstance(verdict, dict) or verdict.get("checked") is not True:
        return 0
    return 1 if verdict.get("coarse") else 2


def _same_machine(before, after: dict) -> bool:
    return isinstance(before, dict) and all(before.get(key) == after.get(key)
                                            for key in ("hardware_class", "cpu_generation"))


def deployment_load(*, deployment_id: int) -> None:
    """Bring the engine in line with the row: a pending deployment is staged and
    loaded; an updating one gets its target job's package without downtime."""
    deployment = Deployment.objects.filter(pk=deployment_id).only("status").first()
    if deployment is None:
        return
    if deployment.status == Deployment.Status.UPDATING:
        _roll_out(deployment_id)
    elif deployment.status in (Deployment.Status.PENDING, Deployment.Status.LOADING):
        # loading: a delivery whose worker died mid-load; the message came back
        # (acks_late, reject_on_worker_lost), and staging and loading again is harmless.
        _first_load(deployment_id)
    # anything else: already handled by an earlier delivery of this message


def _engine_options(deployment: Deployment) -> dict:
    return {"max_batch_size": deployment.max_batch_size, "max_batch_time_s": deployment.max_batch_time,
            "access_token_sha256": deployment.access_token_hash or None}


def _repository_client(timeout: float = 60):
    """The engine's API as the platform calls it: repository calls carry the admin token."""
    from deploy.serving.repository import ServingClient

    return ServingClient(settings.SERVING_URL, timeout=timeout, admin_token=settings.SERVING_ADMIN_TOKEN)


def _load_client():
    # The engine answers a load once the package is loaded: minutes for a large model.
    return _repository_client(settings.SERVING_LOAD_TIMEOUT_S)


def _load_cut_short(exc: Exception) -> bool:
    """The engine gave no answer to a load it received (timed out, connection lost).
    Unlike a refusal, or a request that never reached it, that load may go on in the
    engine: MLServer does not cancel a load whose caller hung up, and serves the
    model once it is loaded."""
    from deploy.serving.repository import ServingError

    return isinstance(exc, ServingError) and exc.status_code is None and exc.reached


def _unload(name: str):
    """Ask the engine to unload `name`: None when it did, else the engine's error. An unload
    that comes while the model is still loading drops it too: the load then ends in
    nothing MLServer serves."""
    from deploy.serving.repository import ServingError

    try:
        _repository_client().unload(name)
    except ServingError as exc:
        return exc
    return None


def _may_still_serve(error) -> bool:
    # A 404 is "no such model": nothing served. No answer, or any other refusal (a wrong
    # admin token, an engine error), leaves the model as it was.
    return error is not None and error.status_code != HTTP_NOT_FOUND


def _unload_quietly(name: str) -> str:
    """Unload `name` if the engine has it; "" when nothing of it is served, else why that is not known."""
    error = _unload(name)
    return f"unloading it failed ({error}), so the engine may still serve it" if _may_still_serve(error) else ""


def _unloaded(problem: str) -> str:
    return "it was unloaded" if not problem else problem


def _first_load(deployment_id: int) -> None:
    from compiler_core.errors import PackageError
    from deploy.serving.repository import ServingError, deploy_package, remove_staged

    deployment = _claim(deployment_id, (Deployment.Status.PENDING, Deployment.Status.LOADING),
                        Deployment.Status.LOADING)
    if deployment is None:
        return
    refusal = _class_check(deployment, deployment.job)
    if refusal:
        _finish(deployment, Deployment.Status.LOADING, Deployment.Status.FAILED, refusal)
        return
    try:
        with tempfile.TemporaryDirectory(prefix=f"whetstone-deploy-{deployment.pk}-") as workdir:
            package_dir = get_package(deployment.job, Path(workdir) / "package")
            stage_reference(deployment.job, package_dir)
            # Stages and loads; a package the engine refuses is unstaged again, so
            # that it is not tried again at each start of the engine.
            deploy_package(_load_client(), package_dir, settings.SERVING_MODEL_ROOT,
                           deployment.name, **_engine_options(deployment))
    except ServingError as exc:
        if _load_cut_short(exc):
            # deploy_package unstaged it; without the unload, the engine would go
            # on to serve a failed deployment, which no stop can reach.
            problem = _unload_quietly(deployment.name)
            message = (f"The serving engine did not finish loading the package within "
                       f"{settings.SERVING_LOAD_TIMEOUT_S:g} s ({exc}); {_unloaded(problem)}.")
        else:
            message = f"The serving engine could not load the package: {exc}"
        _finish(deployment, Deployment.Status.LOADING, Deployment.Status.FAILED, message,
                accuracy_on_engine=_refused_verdict(deployment, exc))
        return
    except PackageError as exc:  # staging refused it (package_policy): nothing was staged or sent
        _finish(deployment, Deployment.Status.LOADING, Deployment.Status.FAILED, f"{PACKAGE_REFUSED}: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - the row must say why, whatever broke
        # E.g. the task's time limit, mid-load: the load may go on as above, and
        # deploy_package unstages only what the engine refused.
        problem = _unload_quietly(deployment.name)
        remove_staged(settings.SERVING_MODEL_ROOT, deployment.name)
        _finish(deployment, Deployment.Status.LOADING, Deployment.Status.FAILED,
                f"{type(exc).__name__}: {exc}" + (f"; {problem}" if problem else ""))
        raise
    # A load that worked clears the message (the CLI and the console read a message on a ready
    # deployment as a problem); the verdict and the class are in their own fields.
    accuracy, speed = _verdicts_on_engine(deployment.name)
    if not _finish(deployment, Deployment.Status.LOADING, Deployment.Status.READY, _speed_warning(speed),
                   accuracy_on_engine=accuracy, speed_on_engine=speed, verdicts_engine_started_at=None):
        # Stopped while it loaded: the unload may have run before the load finished.
        deployment_unload(deployment_id=deployment_id, force=True)


def _roll_out(deployment_id: int) -> None:
    from compiler_core.errors import PackageError
    from deploy.serving.repository import ServingError, redeploy_package

    deployment = Deployment.objects.select_related("job", "target_job").filter(pk=deployment_id).first()
    if deployment is None or deployment.status != Deployment.Status.UPDATING:
        return
    target = deployment.target_job
    if target is None:  # the target job was deleted meanwhile
        _set(deployment, Deployment.Status.READY, "The update was dropped: its job no longer exists.")
        return
    refusal = _class_check(deployment, target)
    if refusal:
        _finish(deployment, Deployment.Status.UPDATING, Deployment.Status.READY,
                f"Update to job {target.pk} refused, still serving job {deployment.job_id}: {refusal}", target_job=None)
        return
    # The row already holds the batching asked for with the update; what the
    # served package was loaded with is in its staged copy, until the new one replaces it.
    served = _staged_batching(deployment.name)
    client, loads_sent = _load_client(), []
    load = client.load

    def load_and_note(*args, **kwargs):
        loads_sent.append(args)
        return load(*args, **kwargs)

    client.load = load_and_note
    try:
        with tempfile.TemporaryDirectory(prefix=f"whetstone-redeploy-{deployment.pk}-") as workdir:
            package_dir = get_package(target, Path(workdir) / "package")
            stage_reference(target, package_dir)
            redeploy_package(client, package_dir, settings.SERVING_MODEL_ROOT,
                             deployment.name, **_engine_options(deployment))
    except Exception as exc:  # noqa: BLE001 - the old package still serves; the row says why the new did not
        answered = isinstance(exc, (ServingError, PackageError))  # the engine's refusal, or staging's
        reason = (f"{PACKAGE_REFUSED}: {exc}" if isinstance(exc, PackageError) else exc if answered
                  else f"{type(exc).__name__}: {exc}")
        # Anything but the engine's answer that comes after the load was sent (the task's time
        # limit, say) leaves that load going on in the engine, as a timeout does.
        cut_short = _load_cut_short(exc) or (not answered and bool(loads_sent))
        _roll_back(deployment, target, reason, cut_short=cut_short, served=served)
        if not answered:
            raise
        return
    accuracy, speed = _verdicts_on_engine(deployment.name)
    if not _finish(deployment, Deployment.Status.UPDATING, Deployment.Status.READY, _speed_warning(speed), job=target,
                   target_job=None, accuracy_on_engine=accuracy, speed_on_engine=speed,
                   verdicts_engine_started_at=None):
        # Stopped while the new package loaded: the undeploy may have run before
        # the engine loaded it, and then nothing would unload it.
        deployment_unload(deployment_id=deployment_id, force=True)


def _class_check(deployment: Deployment, job: Job) -> str:
    """Ask the engine its class now (it may have changed since the request) and record it on the
    row. Returns why the load must not go on ("" when it may): a package measured on another class,
    which the caller did not accept."""
    from fleet.services import engine_probe

    engine = engine_probe() or deployment.hardware_class
    other = bool(engine and package_hardware_class(job) and package_hardware_class(job) != engine)
    Deployment.objects.filter(pk=deployment.pk).update(hardware_class=engine, measured_on_other_class=other)
    deployment.hardware_class, deployment.measured_on_other_class = engine, other
    if other and not deployment.allow_other_class:
        return _other_class_reason(job, engine)
    return ""


# The fp32 original and the inputs the engine re-checks the package on, staged inside it
# (deploy/serving/accuracy_on_load.py reads them).
def stage_reference(job: Job, package_dir: Path) -> None:
    """Put the job's fp32 original (ONNX only: the engine cannot convert other formats) and its
    calibration data, if any, under `package_dir/reference/`, for the engine's check on load."""
    from deploy.serving.accuracy_on_load import INPUTS_DIR, REFERENCE_DIR, REFERENCE_FILE
    from whetstone import objectstore

    version = job.model_version
    reference = Path(package_dir) / REFERENCE_DIR
    # Only what is staged here is the reference: a package that came with a reference/ of its own
    # (a compile child that went wrong) would choose what the engine's checks compare it with, or,
    # as a file, make the staging fail and both checks say "nothing staged".
    if reference.is_symlink() or reference.is_file():
        reference.unlink()
    elif reference.exists():
        shutil.rmtree(reference)
    if version.format != "onnx":
        return
    try:
        objectstore.get_dir(version.storage_prefix, reference / "model")
        main = Path("model") / version.storage_key[len(version.storage_prefix) + 1:]
        if not (reference / main).is_file():  # a store that cannot list: fetch the main file alone
            objectstore.get_to_path(version.storage_key, reference / main)
        described = {"model": str(main)}
        # The job's calibration data: what the request sent, or (once example inputs are merged) the
        # version's example inputs copied to the job; calibration_source says which.
        prefix = (job.options or {}).get("calibration_prefix")
        if prefix:
            objectstore.get_dir(prefix, reference / INPUTS_DIR)
            source = (job.options or {}).get("calibration_source")
            described["inputs"] = f"the job's calibration data ({source})" if source else "the job's calibration data"
    except Exception:  # noqa: BLE001 - the package still deploys; the engine's verdict says it was not checked
        logger.warning("job %s: could not stage the fp32 original for the engine's accuracy check", job.pk,
                       exc_info=True)
        shutil.rmtree(reference, ignore_errors=True)
        return
    (reference / REFERENCE_FILE).write_text(json.dumps(described))


def _verdicts_on_engine(name: str, *, raise_errors: bool = False) -> tuple[dict | None, dict | None]:
    """The engine's re-checks of the model it just loaded (its metadata): accuracy and speed against
    the fp32 original on its own hardware; None for what the engine does not say (an engine older
    than the check, a model still loading). `raise_errors`: the engine's refusal (a ServingError)
    is the caller's to read."""
    from deploy.serving.repository import ServingError

    try:
        metadata = _repository_client(HEALTH_TIMEOUT_S * 5).metadata(name)
    except ValueError:
        return None, None
    except ServingError:
        if raise_errors:
            raise
        return None, None
    parameters = metadata.get("parameters") if isinstance(metadata, dict) else None
    verdicts = [parameters.get(key) if isinstance(parameters, dict) else None
                for key in ("accuracy_on_engine", "speed_on_engine")]
    return tuple(verdict if isinstance(verdict, dict) and verdict else None for verdict in verdicts)


def _speed_warning(speed: dict | None) -> str:
    """A ready deployment's message: empty unless the package is slower on the engine than its original."""
    from deploy.serving.speed_on_load import WARNING_PREFIX, describe_speed

    if not isinstance(speed, dict) or speed.get("slower_than_original") is not True:
        return ""
    try:
        return describe_speed(speed)
    except Exception:  # noqa: BLE001 - an engine's odd verdict must not leave the row loading
        logger.warning("could not describe the engine's speed verdict %r", speed, exc_info=True)
        return f"{WARNING_PREFIX}see speed_on_engine) the package runs slower than its fp32 original."


def _refused_verdict(deployment: Deployment, exc) -> dict | None:
    """The engine refused the package for missing its accuracy budget there: that is the verdict."""
    from deploy.serving.accuracy_on_load import MISSES_BUDGET

    message = getattr(exc, "message", str(exc))
    if MISSES_BUDGET not in message:
        return None
    return {"hardware_class": deployment.hardware_class, "checked": True, "passes": False, "reason": message}


def _roll_back(deployment: Deployment, target: Job, reason, *, cut_short: bool, served: Batching | None) -> None:
    """The new package did not load: the row goes back to the old one, as served."""
    from deploy.serving.repository import remove_staged

    status = Deployment.Status.READY
    message = f"Update to job {target.pk} failed, still serving job {deployment.job_id}: {reason}"
    if cut_short and _still(deployment.pk, Deployment.Status.UPDATING):
        # The engine may go on loading the new package and switch to it whenever
        # it is done, while redeploy_package put the old one's staged copy back.
        # An unload drops that load (it ends in a registry the unload removed);
        # loading the staged copy anew then serves the old package for sure, after
        # a gap while it loads: better than a row that says what is not served.
        timed_out = f"the serving engine gave no answer to its load ({reason})"
        problem = _unload_quietly(deployment.name)
        if problem:
            timed_out += f"; {problem}"
        try:
            _load_client().load(deployment.name)
            message = (f"Update to job {target.pk} failed, still serving job {deployment.job_id}: {timed_out}; "
                       f"job {deployment.job_id}'s package was loaded again, so the engine cannot switch later.")
        except Exception as exc:  # noqa: BLE001 - whatever broke, the row must say what is served
            _unload_quietly(deployment.name)
            remove_staged(settings.SERVING_MODEL_ROOT, deployment.name)
            status = Deployment.Status.FAILED
            message = (f"Update to job {target.pk} failed: {timed_out}; job {deployment.job_id}'s package "
                       f"could not be loaded again ({exc}), so nothing is served.")
    batching = {} if served is None else {"max_batch_size": served.max_batch_size,
                                          "max_batch_time": served.max_batch_time}
    if not _finish(deployment, Deployment.Status.UPDATING, status, message, target_job=None, **batching):
        # Stopped meanwhile: the failed load put the old package's staged copy
        # back after the undeploy removed it, and a restart would serve it again.
        deployment_unload(deployment_id=deployment.pk, force=True)


def _staged_batching(name: str) -> Batching | None:
    """The batching of the package staged as `name`; None when none is staged."""
    from deploy.serving.repository import MODEL_SETTINGS_FILE

    try:
        staged = json.loads((Path(settings.SERVING_MODEL_ROOT) / name / MODEL_SETTINGS_FILE).read_text())
    except (OSError, ValueError):
        return None
    if staged.get("max_batch_size", 0) <= 1:
        return Batching()
    return Batching(staged["max_batch_size"], staged.get("max_batch_time", 0.0))


def _still(deployment_id: int, status: str) -> bool:
    # A stop may have come in while the package loaded; it wins.
    return Deployment.objects.filter(pk=deployment_id, status=status).exists()


def _finish(deployment: Deployment, loading: str, status: str, message: str = "", **fields) -> bool:
    """Record how a load ended, unless the row left `loading` meanwhile (a stop
    wins): False then. The row stays locked from the check to the write, so a stop
    cannot land in between and be overwritten."""
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().filter(pk=deployment.pk).only("status").first()
        if locked is None or locked.status != loading:
            return False
        _set(deployment, status, message, **fields)
    return True


def deployment_unload(*, deployment_id: int, force: bool = False) -> None:
    from deploy.serving.repository import remove_staged

    deployment = Deployment.objects.filter(pk=deployment_id).first()
    if deployment is None or (deployment.status == Deployment.Status.STOPPED and not force):
        return
    error = _unload(deployment.name)
    # Unstaged either way: no engine restart loads it again.
    remove_staged(settings.SERVING_MODEL_ROOT, deployment.name)
    if _may_still_serve(error):
        # The row says stopping until a stop (which sends this again) gets through.
        _set(deployment, Deployment.Status.STOPPING,
             f"The serving engine did not unload the model ({error}); stop the deployment again to retry.")
        return
    # With an error here, the model was not loaded (e.g. it had failed): nothing to free.
    _set(deployment, Deployment.Status.STOPPED, f"unload: {error}" if error else "", target_job=None)
