"""`make chaos`: the whole fault × operation matrix against a real stack.

    python -m tests.chaos [--out bench-results] [--only "Redis hung 25 s:deploy" ...]

Writes bench-results/chaos.md (the machine, the table, what missed a target); exits 1 when any
scenario missed one.
"""

from __future__ import annotations

import argparse
import platform as stdlib_platform
import sys
import tempfile
import time
from pathlib import Path

from tests.chaos.scenarios import HEADER, STACK_ENV, Outcome, World, expected_final, matrix, run
from tests.conftest import launched_stack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--only", action="append", default=[], help="FAULT:OPERATION, repeatable")
    args = parser.parse_args()
    scenarios = [tuple(item.split(":", 1)) for item in args.only] or matrix()

    from compiler_core.hardware import describe_hardware

    rows, missed = [], []
    with tempfile.TemporaryDirectory(prefix="whetstone-chaos-") as scratch:
        with launched_stack(Path(scratch) / "var", env=STACK_ENV) as live:
            world = World(live, Path(scratch))
            for fault, operation in scenarios:
                started = time.monotonic()
                try:
                    outcome = run(world, fault, operation)
                except Exception as exc:  # noqa: BLE001 - one scenario's crash is a result, not the end of the run
                    outcome = Outcome(fault, operation, final="scenario error", notes=[f"{type(exc).__name__}: {exc}"[:200]])
                problems = [] if outcome.final == "not measured" else outcome.problems(
                    expected_final=expected_final(fault, operation))
                rows.append(outcome.row())
                missed += [f"{fault} × {operation}: {problem}" for problem in problems]
                print(f"{outcome.row()}  ({time.monotonic() - started:.0f}s)", flush=True)
    hardware = describe_hardware()
    report = "\n".join([
        "# Fault injection (make chaos)", "",
        f"Host: {hardware.get('cpu_model', '?')}, {hardware.get('usable_cpus', '?')} usable CPUs, "
        f"{stdlib_platform.platform()}; database: {'PostgreSQL' if 'postgres' in str(live.env.get('DATABASE_URL')) else 'SQLite'}.",
        "", HEADER, *rows, "",
        f"A clean run of the optimization took {world.clean_optimize_s:.1f} s; an optimization's recovery is "
        "the time from healing to its end, less that.", "",
        "Targets: nothing lost, nothing applied twice, no row stuck, no 5xx, every answer within 2 s during the "
        "fault, recovery within heartbeat timeout + 30 s of healing.", "",
        "Missed:" if missed else "Every target met.", *[f"- {line}" for line in missed], ""])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "chaos.md").write_text(report)
    print(report)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
