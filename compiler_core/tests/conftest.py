import pytest


@pytest.fixture(autouse=True)
def private_tuning_cache(tmp_path_factory, monkeypatch):
    """Each test gets an empty tuning cache, so no test sees another's results."""
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
