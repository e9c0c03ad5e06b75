"""The fast part of the fault-injection suite (`make chaos` runs the whole matrix): real processes,
faults injected while an operation is under way, targets checked per scenario."""

from __future__ import annotations

import pytest

from tests.chaos.scenarios import STACK_ENV, World, expected_final, run
from tests.conftest import launched_stack

pytestmark = pytest.mark.e2e

FAST = [
    ("worker SIGSTOP", "optimize", None),
    ("optimizer child SIGKILL", "optimize", None),
    ("Redis hung 25 s", "deploy", 8.0),
    ("Redis down 60 s", "model delete", 8.0),
    ("Redis SIGKILL", "webhook", None),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with launched_stack(tmp_path_factory.mktemp("chaos-var"), env=STACK_ENV) as live:
        yield World(live, tmp_path_factory.mktemp("chaos-models"))


@pytest.mark.parametrize("fault, operation, hold_s", FAST, ids=[f"{f} x {o}" for f, o, _ in FAST])
def test_a_fault_delays_the_work_but_loses_nothing_and_applies_nothing_twice(world, fault, operation, hold_s):
    outcome = run(world, fault, operation, hold_s=hold_s)
    print(outcome.row())
    assert outcome.problems(expected_final=expected_final(fault, operation)) == [], outcome.row()
