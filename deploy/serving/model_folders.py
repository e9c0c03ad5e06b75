"""Where the engine finds the models it loads: nothing inside a package is read as settings.

MLServer's own repository globs `ROOT/**/model-settings.json` and, parsing each, imports the
`implementation` it names (pydantic's ImportString). Below ROOT lie the staged packages and the
originals the platform stages beside them for the checks on load, a user's upload with every file
of it: a `model-settings.json` there, beside a module of the user's, ran that module in the engine,
with every tenant's models and the engine's credentials. In the KServe container ROOT is the
package itself.

So the engine reads models its own way:
- `StagedModels` (the platform's engine): `ROOT/<name>/model-settings.json` only, one level deep, as
  `repository.stage_package` writes it, and only when it names our runtime, its own folder's name
  and its own folder (no other `uri`, no environment tarball);
- `OnePackage` (the KServe container): the one model the MLSERVER_MODEL_* variables describe; no
  file of the mounted package is read as settings.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from mlserver.errors import ModelNotFound
from mlserver.logging import logger
from mlserver.repository.load import load_model_settings
from mlserver.repository.repository import ModelRepository
from mlserver.settings import ModelParameters, ModelSettings

from .repository import MODEL_SETTINGS_FILE, RUNTIME_IMPLEMENTATION

# What stage_package writes in model-settings.json's parameters, and nothing else may be there.
STAGED_PARAMETERS = frozenset({"uri", "extra"})


class _ByName(ModelRepository):
    async def find(self, name: str) -> list[ModelSettings]:
        selected = [settings for settings in await self.list() if settings.name == name]
        if not selected:
            raise ModelNotFound(name)
        return selected


class StagedModels(_ByName):
    """`ROOT/<name>/model-settings.json`, as stage_package wrote it; folders starting with a dot are
    scratch copies (stage_package, redeploy_package) and are skipped."""

    def __init__(self, root: str, **_ignored):
        self._root = Path(root) if root else None

    async def list(self) -> list[ModelSettings]:
        found = []
        if self._root is None or not self._root.is_dir():
            return found
        for folder in sorted(self._root.iterdir()):
            path = folder / MODEL_SETTINGS_FILE
            if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir() or not _regular(path):
                continue
            try:
                found.append(staged_settings(path))
            except Exception:  # noqa: BLE001 - as MLServer's scan: one bad folder does not hide the others
                logger.exception(f"{path} is not a model-settings.json the platform staged; its model is not loaded")
        return found


def staged_settings(path: Path) -> ModelSettings:
    """model-settings.json, held to what stage_package writes before pydantic imports anything."""
    written = json.loads(path.read_text())
    folder = path.parent.name
    if not isinstance(written, dict) or written.get("implementation") != RUNTIME_IMPLEMENTATION:
        raise ValueError(f"it names an implementation other than {RUNTIME_IMPLEMENTATION}")
    if written.get("name") != folder:
        raise ValueError(f"it names a model other than its folder's, {folder!r}")
    parameters = written.get("parameters") or {}
    if not isinstance(parameters, dict) or parameters.get("uri") != "." or set(parameters) - STAGED_PARAMETERS:
        raise ValueError("its parameters are not those the platform writes (uri '.', and an access token's hash)")
    return load_model_settings(str(path))


class OnePackage(_ByName):
    """The KServe container's one model, from the MLSERVER_MODEL_* variables the serving runtime
    sets (deploy/exports/kserve.py); the mounted package's files are only ever opened by the runtime."""

    def __init__(self, root: str, **_ignored):
        self._root = root

    async def list(self) -> list[ModelSettings]:
        settings = ModelSettings()  # from the environment: MLSERVER_MODEL_NAME, _IMPLEMENTATION, _URI
        settings.parameters = settings.parameters or ModelParameters()
        settings.parameters.uri = settings.parameters.uri or self._root
        return [settings]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
