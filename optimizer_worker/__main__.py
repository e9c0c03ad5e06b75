"""`python -m optimizer_worker [celery worker options]`: a worker that serves the
queues this machine's hardware supports (see queues.py)."""

import sys

from .celery_app import app
from .queues import queues_for_this_machine


def main() -> None:
    app.worker_main(["worker", "-Q", ",".join(queues_for_this_machine()), *sys.argv[1:]])


if __name__ == "__main__":
    main()
