"""The time budget: a wall-clock deadline every stage asks before it starts work."""

from __future__ import annotations

import time


class Deadline:
    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.requested = seconds
        self.raised_because: str | None = None
        self.start = time.monotonic()

    def raise_to(self, minimum: float, because: str) -> None:
        """A budget below `minimum` seconds becomes `minimum` (no budget stays none); `because` is
        what the minimum buys, for the report."""
        if self.seconds is not None and self.seconds < minimum:
            self.seconds = float(minimum)
            self.raised_because = because

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float | None:
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - self.elapsed())

    def allows(self, seconds_needed: float) -> bool:
        remaining = self.remaining()
        return remaining is None or remaining >= seconds_needed
