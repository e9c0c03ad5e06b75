from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job
from jobs.services import _presumed_lost_messages
from jobs.tests.test_analytics import make_job

pytestmark = pytest.mark.django_db


_count = iter(range(1, 1000))


def queued(owner, *, sent_ago: float | None, priority=0, device="cpu", started_ago: float | None = None):
    job = make_job(owner, float(next(_count)), status=Job.Status.QUEUED if started_ago is None else Job.Status.SUCCEEDED)
    now = timezone.now()
    job.priority, job.device = priority, device
    job.dispatched_at = None if sent_ago is None else now - timedelta(seconds=sent_ago)
    job.started_at = None if started_ago is None else now - timedelta(seconds=started_ago)
    job.save()
    Job.objects.filter(pk=job.pk).update(created_at=now - timedelta(seconds=60))
    return job


def test_a_queue_that_moved_past_a_job_marks_its_message_lost(user, settings):
    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    settings.WHETSTONE_IDLE_REDISPATCH_S = 3600
    overtaken = queued(user, sent_ago=60, priority=3)
    queued(user, sent_ago=30, started_ago=20, priority=3)  # sent later at the same priority, already started
    waiting_behind_higher_priority = queued(user, sent_ago=60, priority=0)
    never_sent = queued(user, sent_ago=None)
    just_sent = queued(user, sent_ago=1)
    Job.objects.create(owner=user, model_version=overtaken.model_version, status=Job.Status.RUNNING)

    lost = {job.pk for job in _presumed_lost_messages(timezone.now())}
    assert overtaken.pk in lost and never_sent.pk in lost
    assert waiting_behind_higher_priority.pk not in lost  # a more urgent job may legitimately go first
    assert just_sent.pk not in lost
