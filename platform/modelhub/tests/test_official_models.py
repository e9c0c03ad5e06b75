from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from django.core.management import call_command

from modelhub.models import RegisteredModel
from modelhub.official import TEMPLATES

pytestmark = pytest.mark.django_db


def test_official_templates_run_in_onnxruntime(tmp_path):
    feeds = {"image": np.zeros((2, 3, 32, 32), np.float32), "features": np.zeros((2, 50, 40), np.float32),
             "input_ids": np.ones((2, 7), np.int64)}
    for template in TEMPLATES:
        session = ort.InferenceSession(str(template.build(tmp_path / f"{template.name}.onnx")))
        name = session.get_inputs()[0].name
        (logits,) = session.run(None, {name: feeds[name]})
        assert logits.shape[0] == 2 and np.isfinite(logits).all(), template.name


def test_seed_registers_official_models_everyone_sees_and_nobody_edits(api, capsys):
    call_command("seed_official_models")
    call_command("seed_official_models")  # idempotent
    assert "up to date" in capsys.readouterr().out
    models = api.get("/api/v1/models/", {"visibility": "official", "ordering": "name"}).json()["results"]
    assert [m["name"] for m in models] == ["official-image-classification", "official-sentence-classification",
                                           "official-speech-recognition"]
    assert all(m["source"] == "official" and not m["can_edit"] for m in models)
    assert all(m["latest_version"]["number"] == 1 for m in models)
    speech = next(m for m in models if m["name"] == "official-speech-recognition")
    assert speech["signature"]["inputs"][0]["shape"] == ["batch", "frames", 40]
    assert "for speech recognition" in api.get(f"/api/v1/models/{speech['id']}/").json()["card"]
    assert api.patch(f"/api/v1/models/{speech['id']}/", {"card": "mine"}, format="json").status_code == 403
    found = api.get("/api/v1/models/", {"search": "sentence classification"}).json()["results"]
    assert found[0]["name"] == "official-sentence-classification"  # best match first (trigram search ranks)
    assert RegisteredModel.objects.filter(owner__username="whetstone", owner__is_active=False).count() == 3
