"""ModelHub's worker tasks. They are registered with whichever Celery app the
process runs (the optimizer worker's), because Django loads this module when
the modelhub app is ready."""

from celery import shared_task

# The inspection's hard time limit: an inspection begun longer ago has stopped (services._claim_inspection).
INSPECT_TIME_LIMIT_S = 1900


@shared_task(name="whetstone.modelhub.inspect", acks_late=True, soft_time_limit=INSPECT_TIME_LIMIT_S - 100,
             time_limit=INSPECT_TIME_LIMIT_S)
def inspect_version(version_id: int) -> None:
    from modelhub.services import model_version_inspect

    model_version_inspect(version_id=version_id)


@shared_task(name="whetstone.modelhub.purge", acks_late=True, soft_time_limit=1800, time_limit=1900)
def purge_model(model_id: int) -> None:
    from modelhub.services import model_purge

    model_purge(model_id=model_id)
