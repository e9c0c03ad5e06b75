"""/api/docs/ must work where the internet does not reach: Swagger UI comes from our static files."""

import re

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_our_own_static_files(settings, tmp_path):
    # As `make run` and the image serve them: collected, then served by WhiteNoise.
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", "--verbosity", "0")
    client = Client()  # a new client builds its middleware, so WhiteNoise sees the collected files
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/static/") and "cdn." not in asset and "://" not in asset, asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content if served.streaming else [served.content])
