"""What the API answers when the database is away (a PostgreSQL restart): a 503 to retry, not a 500."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_database_that_is_away_is_a_503_with_retry_after(api, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")

    monkeypatch.setattr("modelhub.api.views.model_list_plain", unreachable)
    response = api.get("/api/v1/models/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": "The database is unavailable for a moment. Try again in 5 seconds.",
                               "errors": {}}
    assert "5432" not in response.content.decode()  # the server's address is not the client's business
