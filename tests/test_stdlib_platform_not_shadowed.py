"""`platform/` holds the Django project but must never shadow the standard
library's `platform` module, in any of the project's processes."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()

PROBE = "import platform; print(platform.__file__); print(platform.system())"

ENTRY_POINTS = {
    # the way manage.py starts (runserver, migrate, shell ...)
    "manage.py": [sys.executable, "manage.py", "shell", "-c", PROBE],
    # the Celery worker's app module
    "celery app": [sys.executable, "-c", "import optimizer_worker.celery_app, django; django.setup(); " + PROBE],
    # gunicorn's WSGI module
    "wsgi": [sys.executable, "-c", "import sys; sys.path.insert(0, 'platform'); import whetstone.wsgi; " + PROBE],
}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_import_platform_resolves_to_the_standard_library(entry_point):
    result = subprocess.run(ENTRY_POINTS[entry_point], cwd=REPO_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    module_file, system = result.stdout.strip().splitlines()[-2:]
    assert Path(module_file).resolve().parent == STDLIB, f"{entry_point}: `platform` is {module_file}"
    assert system == "Linux"
    assert not (REPO_DIR / "platform" / "__init__.py").exists(), "platform/ must stay a plain folder"
