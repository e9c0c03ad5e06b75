"""The engine's on/off switches, read from its environment."""

from __future__ import annotations

import os

OFF = ("0", "false", "no", "off")


def switched_on(variable: str) -> bool:
    """On unless the environment sets `variable` to 0, false, no or off."""
    return os.environ.get(variable, "1").strip() not in OFF
