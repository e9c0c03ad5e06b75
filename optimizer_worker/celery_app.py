"""The Celery app the optimizer workers run:

    python -m optimizer_worker            # serves the queues this machine supports
    celery -A optimizer_worker.celery_app worker -Q cpu,serving,events

Its configuration comes from Django's settings (CELERY_* names), so the broker
and the database are set once, from the environment.
"""

import os
import sys
from pathlib import Path

# platform/ is a folder on sys.path, never a package (it would shadow the
# standard library's `platform`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "whetstone.settings")

from celery import Celery  # noqa: E402

app = Celery("whetstone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.include = ["optimizer_worker.tasks"]
