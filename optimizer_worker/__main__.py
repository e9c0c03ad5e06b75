"""`python -m optimizer_worker [celery worker options]`: a worker that serves the
queues this machine's hardware supports, its hardware class's among them (see queues.py)."""

import sys

from .celery_app import app
from .queues import queues_for_this_machine


def main() -> None:
    from compiler_core.hardware import HardwareClassRefused

    try:
        queues = queues_for_this_machine()
    except HardwareClassRefused as exc:
        raise SystemExit(f"worker: {exc}") from exc
    app.worker_main(["worker", "-Q", ",".join(queues), *sys.argv[1:]])


if __name__ == "__main__":
    main()
