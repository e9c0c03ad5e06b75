"""Celery app and tasks: thin glue from a job row to compiler_core and back."""
