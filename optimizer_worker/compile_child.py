"""Runs one optimization in a child process of the worker.

    python -m optimizer_worker.compile_child MODEL OUT_DIR OPTIONS_JSON CANCEL_FILE

Why a child process: a native crash or a runaway allocation in an engine kills
this process, not the worker; a job that ignores its cancel check can be
terminated; and resource limits apply to the optimization alone. The parent
reads one JSON object per line on stdout: progress events (and `time_budget`, the
search's budget once settled), then `done` or `error`.
"""

from __future__ import annotations

import json
import resource
import sys
import traceback
from pathlib import Path


def emit(event: str, **fields) -> None:
    # Every event carries this process's peak memory so far: when the child runs out of memory the
    # parent can say how much it had, which it cannot measure itself through the sandbox.
    peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sys.stdout.write(json.dumps({"event": event, "peak_rss_bytes": peak_rss_bytes, **fields}) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    model_path, out_dir, options_json, cancel_file = argv
    options = json.loads(options_json)
    cancel = Path(cancel_file)

    from compiler_core import optimize
    from compiler_core.contracts import OptimizationRequest
    from compiler_core.errors import Cancelled, CompilerCoreError

    try:
        # The job's options through the request contract: its defaults, its bounds, and messages in the
        # API's words (caller "api": `shapes`, not the command line's `--shapes`).
        request = OptimizationRequest.from_options({**options, "caller": "api"})
        report = optimize(
            Path(model_path),
            Path(out_dir),
            request=request,
            progress=lambda stage, percent, message="": emit("progress", stage=stage, percent=percent, message=message),
            time_budget=lambda seconds: emit("time_budget", seconds=seconds),
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
