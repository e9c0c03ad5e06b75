import io

import pytest

from tests.support.models import tiny_mlp


@pytest.fixture
def model_id(api, tmp_path) -> int:
    """A model registered through the API by the `api` client's user (a tiny MLP); its id."""
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    response = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "m"}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]
