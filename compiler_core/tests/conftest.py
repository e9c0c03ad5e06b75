import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def session_tuning_cache(tmp_path_factory):
    """Never read or write the user's ~/.cache: module-scoped fixtures run before function ones."""
    previous = os.environ.get("WHETSTONE_CACHE_DIR")
    os.environ["WHETSTONE_CACHE_DIR"] = str(tmp_path_factory.mktemp("session-cache"))
    yield
    if previous is None:
        os.environ.pop("WHETSTONE_CACHE_DIR", None)
    else:
        os.environ["WHETSTONE_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def private_tuning_cache(tmp_path_factory, monkeypatch):
    """Each test gets an empty tuning cache, so no test sees another's results."""
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
