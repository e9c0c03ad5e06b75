"""The compiler core's tuning cache for sandboxed jobs.

The cache (what won last time for a model on this hardware) makes a re-run
fast, but the compile child is untrusted and must not write a cache that other
users' jobs read: a poisoned entry would steer their searches. So each owner
has a cache of their own under the worker's WHETSTONE_CACHE_DIR; the worker
lends a copy of it to the child and takes back only well-formed entries.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from compiler_core.cache import cache_dir

_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
MAX_ENTRY_BYTES = 64 << 10


def _owner_dir(owner_id: int) -> Path:
    return cache_dir() / "owners" / str(int(owner_id)) / "tuning"


def _entries(directory: Path):
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if _ENTRY_NAME.match(path.name) and path.is_file() and not path.is_symlink() \
                and path.stat().st_size <= MAX_ENTRY_BYTES:
            yield path


def lend(*, owner_id: int, into: Path) -> Path:
    """Copy the owner's entries into the sandbox; returns the WHETSTONE_CACHE_DIR the child uses."""
    lent = into / "tuning"
    lent.mkdir(parents=True, exist_ok=True)
    for entry in _entries(_owner_dir(owner_id)):
        shutil.copyfile(entry, lent / entry.name)
    return into


def take_back(*, owner_id: int, lent: Path) -> int:
    """Keep what the child wrote that looks like a cache entry; returns how many were kept."""
    kept = 0
    target = _owner_dir(owner_id)
    # The child owned the lent folder: a link put in place of it (or of its tuning/) would have us
    # read some other folder, another owner's cache included, with the worker's rights.
    if lent.is_symlink() or (lent / "tuning").is_symlink():
        return 0
    for entry in _entries(lent / "tuning"):
        try:
            value = json.loads(entry.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(value, dict):
            continue
        target.mkdir(parents=True, exist_ok=True)
        temporary = target / (entry.name + ".tmp")
        temporary.write_text(json.dumps(value, sort_keys=True))
        os.replace(temporary, target / entry.name)
        kept += 1
    return kept
