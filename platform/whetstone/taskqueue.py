"""Sends work to the optimizer workers by task name.

The web process only produces messages; it never imports the worker's code. The
task names below are the contract with `optimizer_worker.tasks`.

Callers go through `send_on_commit`, which writes the message to the outbox
(outbox/services.py) in the caller's transaction; `send` is the outbox's own
publish, and every broker call it makes is bounded (about a second), so that a
broker that is down or hung never holds a request thread.
"""

from celery import Celery

OPTIMIZE_TASK = "whetstone.optimize"
DEPLOY_TASK = "whetstone.deploy"
UNDEPLOY_TASK = "whetstone.undeploy"

# Which queue each kind of work goes to. A worker serves the queues its
# hardware and its access to the serving engine allow.
QUEUE_FOR_DEVICE = {"cpu": "cpu", "gpu": "gpu"}
SERVING_QUEUE = "serving"


def optimize_queue(device: str, hardware_class: str = "") -> str:
    """The queue of an optimization: `cpu.<hardware class>` (e.g. cpu.x86_64-amd-avx2), which only
    workers of that class consume, so a job never runs on a machine whose kernels differ from those
    it targets. A job with no class (queued before classes existed, or a GPU job: GPU classes are
    not built yet) goes to its device's plain queue."""
    base = QUEUE_FOR_DEVICE[device]
    return f"{base}.{hardware_class}" if hardware_class and device == "cpu" else base
MAX_PRIORITY = 9

# A hung broker accepts the connection and never answers: only socket timeouts end the wait.
BROKER_CALL_TIMEOUT_S = 1.0

def make_producer(broker_url: str | None = None) -> Celery:
    """A Celery app that only publishes, configured from the settings, its broker calls bounded."""
    from django.conf import settings

    app = Celery("whetstone-producer")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    # One connection try, no retries: the outbox is the retry, at its own pace.
    options.update(socket_timeout=BROKER_CALL_TIMEOUT_S, socket_connect_timeout=BROKER_CALL_TIMEOUT_S,
                   retry_on_timeout=False, max_retries=0, connect_retries_timeout=BROKER_CALL_TIMEOUT_S)
    app.conf.update(broker_transport_options=options, broker_connection_timeout=BROKER_CALL_TIMEOUT_S,
                    task_publish_retry=False, broker_url=broker_url or settings.CELERY_BROKER_URL)
    return app


_producer: Celery | None = None


def _the_producer() -> Celery:
    global _producer
    if _producer is None:
        _producer = make_producer()
    return _producer


def send(task_name: str, *, args: list, queue: str, priority: int = 0, **options) -> None:
    """Publish now, or raise within about BROKER_CALL_TIMEOUT_S. `priority` 0..9, higher runs
    sooner (Redis pops priority 0 first, so it is inverted here)."""
    _the_producer().send_task(task_name, args=args, queue=queue, priority=MAX_PRIORITY - priority, retry=False,
                        **options)


def send_on_commit(task_name: str, *, args: list, queue: str, priority: int = 0, key: str = "",
                   **options) -> None:
    """Commit the message with the caller's transaction (the outbox), so a worker never picks up a
    row it cannot read yet, no message is lost when the broker is away, and no request waits on it."""
    from outbox.services import message_enqueue

    message_enqueue(task=task_name, args=args, queue=queue, priority=priority, key=key, **options)
