"""Tasks take an id, and call one service. All state lives in the rows."""

from django.conf import settings

from .celery_app import app


@app.task(
    name="whetstone.optimize",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.WHETSTONE_JOB_SOFT_TIME_LIMIT_S,
    time_limit=settings.WHETSTONE_JOB_HARD_TIME_LIMIT_S,
)
def optimize(self, job_id: int) -> None:
    from jobs.services import job_run_optimization

    job_run_optimization(job_id=job_id, worker=self.request.hostname or "worker")


@app.task(name="whetstone.deploy", acks_late=True, soft_time_limit=600, time_limit=660)
def deploy(deployment_id: int) -> None:
    from deployments.services import deployment_load

    deployment_load(deployment_id=deployment_id)


@app.task(name="whetstone.undeploy", acks_late=True, soft_time_limit=120, time_limit=180)
def undeploy(deployment_id: int) -> None:
    from deployments.services import deployment_unload

    deployment_unload(deployment_id=deployment_id)
