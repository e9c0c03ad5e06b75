"""An id too large for the database's integer column names nothing: every list filter,
path and body that takes an id answers a 4xx for it, never a 500 (the database cannot
even compare such a number)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAST_BIGINT = str(2**63)            # 9223372036854775808: one past the id column
HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/api/v1/jobs/?model={PAST_BIGINT}",
    f"/api/v1/jobs/?model={HUGE}",
    f"/api/v1/jobs/?model=-{PAST_BIGINT}",
    "/api/v1/jobs/?model=1e400",
    "/api/v1/jobs/?model=1.5",
    f"/api/v1/deployments/?model={PAST_BIGINT}",
    f"/api/v1/deployments/?model={HUGE}",
])
def test_an_id_filter_past_the_column_is_a_400_that_says_so(api, url):
    response = api.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert response.json()["errors"]["model"], response.json()


def test_an_id_filter_in_range_still_filters(api):
    assert api.get("/api/v1/jobs/?model=9223372036854775807").json()["count"] == 0
    assert api.get("/api/v1/deployments/?model=1").json()["count"] == 0


@pytest.mark.parametrize("url", [
    f"/api/v1/models/{HUGE}/",
    f"/api/v1/models/{PAST_BIGINT}/versions/",
    f"/api/v1/models/1/versions/{HUGE}/",
    f"/api/v1/jobs/{HUGE}/",
    f"/api/v1/jobs/{HUGE}/package/",
    f"/api/v1/deployments/{HUGE}/",
    f"/api/v1/webhooks/{HUGE}/",
    f"/api/v1/webhooks/{HUGE}/deliveries/",
    f"/api/v1/teams/{HUGE}/",
    f"/api/v1/auth/tokens/{HUGE}/",
])
def test_an_id_in_a_path_past_the_column_is_a_404(api, url):
    assert api.get(url).status_code == 404, url


@pytest.mark.parametrize("url, body", [
    ("/api/v1/deployments/", {"job": int(HUGE), "name": "x"}),
    ("/api/v1/webhooks/", {"url": "https://93.184.215.14/hook", "team": int(HUGE)}),
    (f"/api/v1/models/{HUGE}/optimizations/", {"recipe": "lossless"}),
    (f"/api/v1/models/{HUGE}/versions/from-job/", {"job": 1}),
    (f"/api/v1/uploads/{HUGE}/complete/", {"parts": []}),
    (f"/api/v1/jobs/{HUGE}/cancel/", {}),
    (f"/api/v1/deployments/{HUGE}/redeploy/", {"job": 1}),
])
def test_an_id_in_a_body_or_a_write_path_past_the_column_is_a_4xx(api, url, body):
    status = api.post(url, body, format="json").status_code
    assert 400 <= status < 500, (url, status)


@pytest.mark.parametrize("url", [f"/api/v1/uploads/{HUGE}/", f"/api/v1/deployments/{HUGE}/",
                                 f"/api/v1/webhooks/{HUGE}/"])
def test_deleting_an_id_past_the_column_is_a_404(api, url):
    assert api.delete(url).status_code == 404
