"""Runs one optimization in a child process of the worker.

    python -m optimizer_worker.compile_child MODEL OUT_DIR OPTIONS_JSON CANCEL_FILE

Why a child process: a native crash or a runaway allocation in an engine kills
this process, not the worker; a job that ignores its cancel check can be
terminated; and resource limits apply to the optimization alone. The parent
reads one JSON object per line on stdout: progress events, then `done` or
`error`.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path


def emit(event: str, **fields) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    model_path, out_dir, options_json, cancel_file = argv
    options = json.loads(options_json)
    cancel = Path(cancel_file)

    from compiler_core import optimize
    from compiler_core.errors import Cancelled, CompilerCoreError

    try:
        report = optimize(
            Path(model_path),
            Path(out_dir),
            recipe=options.get("recipe", "auto"),
            accuracy_budget=options.get("accuracy_budget", 0.99),
            shapes=options.get("shapes") or None,
            calibration_dir=options.get("calibration_dir"),
            time_budget_s=options.get("time_budget_s"),
            threads=options.get("threads"),
            progress=lambda stage, percent, message="": emit("progress", stage=stage, percent=percent, message=message),
            should_cancel=cancel.exists,
        )
    except Cancelled:
        emit("cancelled")
        return 3
    except CompilerCoreError as exc:
        emit("error", kind=type(exc).__name__, message=str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - reported to the job row with its traceback
        emit("error", kind=type(exc).__name__, message=f"{exc}\n{traceback.format_exc()}")
        return 1
    overall = (report or {}).get("overall", {})
    emit("done", speedup=overall.get("speedup"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
