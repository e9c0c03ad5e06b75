"""The time budget: a wall-clock deadline every stage asks before it starts work."""

from __future__ import annotations

import time


class Deadline:
    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float | None:
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - self.elapsed())

    def allows(self, seconds_needed: float) -> bool:
        remaining = self.remaining()
        return remaining is None or remaining >= seconds_needed
