#!/usr/bin/env python
"""Django's command-line utility for Whetstone.

`platform/` is put on sys.path rather than imported as a package: a package
named `platform` would shadow the standard library module of that name.
"""
import os
import sys
from pathlib import Path

PLATFORM_DIR = Path(__file__).resolve().parent / "platform"


def main() -> None:
    sys.path.insert(0, str(PLATFORM_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "whetstone.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
