from django.apps import AppConfig


class ModelhubConfig(AppConfig):
    name = "modelhub"

    def ready(self):
        from . import tasks  # noqa: F401  registers the purge and inspection tasks with the worker's Celery app
