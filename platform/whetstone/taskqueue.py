"""Sends work to the optimizer workers by task name.

The web process only produces messages; it never imports the worker's code. The
task names below are the contract with `optimizer_worker.tasks`.
"""

from celery import Celery
from django.db import transaction

OPTIMIZE_TASK = "whetstone.optimize"
DEPLOY_TASK = "whetstone.deploy"
UNDEPLOY_TASK = "whetstone.undeploy"

# Which queue each kind of work goes to. A worker serves the queues its
# hardware and its access to the serving engine allow.
QUEUE_FOR_DEVICE = {"cpu": "cpu", "gpu": "gpu"}
SERVING_QUEUE = "serving"
MAX_PRIORITY = 9

_producer = Celery("whetstone-producer")
_producer.config_from_object("django.conf:settings", namespace="CELERY")


def send(task_name: str, *, args: list, queue: str, priority: int = 0, **options) -> None:
    """Publish now. `priority` 0..9, higher runs sooner (Redis pops priority 0
    first, so it is inverted here)."""
    _producer.send_task(task_name, args=args, queue=queue, priority=MAX_PRIORITY - priority, **options)


def send_on_commit(task_name: str, *, args: list, queue: str) -> None:
    """Enqueue after the surrounding transaction commits, so a worker never
    picks up a row that it cannot read yet."""
    transaction.on_commit(lambda: send(task_name, args=args, queue=queue))
