"""Serves the console's index.html for every console route; the single-page app
takes it from there and talks only to the public REST API."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

NOT_BUILT = """<!doctype html><title>Whetstone</title>
<h1>The console is not built</h1>
<p>Run <code>make frontend</code> (or <code>make run</code>, which builds it), then reload.
The REST API is at <a href="/api/docs/">/api/docs/</a>.</p>"""


@ensure_csrf_cookie
def index(request, path: str = ""):
    index_file = settings.FRONTEND_DIST / "index.html"
    if not index_file.is_file():
        return HttpResponse(NOT_BUILT, status=503)
    return HttpResponse(index_file.read_bytes(), content_type="text/html; charset=utf-8")
