"""Calibration data is numbers: an .npz whose arrays need pickle to be read (object
arrays), hold text, or do not match their own headers is refused with a 400 naming the
array, and nothing (job row or object) is kept."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from jobs.models import Job
from jobs.tests.test_optimize_api import npz, register

pytestmark = pytest.mark.django_db


class Payload:
    """What an attacker would pickle: running it on load would run a command."""

    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/whetstone-calibration-pwned",))


def pickled_npz() -> io.BytesIO:
    # A valid input array beside an object array: np.load(allow_pickle=False) opens this file
    # and lists both names; it fails only when the object array itself is read.
    buffer = io.BytesIO()
    np.savez(buffer, input=np.ones((1, 16), np.float32), extra=np.array([Payload()], dtype=object))
    buffer.seek(0)
    return buffer


def object_array_named_like_the_input() -> io.BytesIO:
    buffer = io.BytesIO()
    np.savez(buffer, input=np.array([Payload()], dtype=object))
    buffer.seek(0)
    return buffer


def cut_array() -> io.BytesIO:
    """An .npy member whose header promises more values than it holds."""
    whole = io.BytesIO()
    np.lib.format.write_array(whole, np.ones((4, 16), np.float32))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("input.npy", whole.getvalue()[:-20])
    buffer.seek(0)
    return buffer


def send(api, tmp_path, upload):
    model_id = register(api, tmp_path)
    upload.name = "batch.npz"
    response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "int8", "calibration": [upload]},
                        format="multipart")
    return model_id, response


@pytest.mark.parametrize("build, words", [
    (pickled_npz, ["'extra'", "Python objects", "pickle"]),
    (object_array_named_like_the_input, ["'input'", "Python objects"]),
    (lambda: npz(input=np.array(["a", "b"])), ["'input'", "numbers or booleans", "<U1"]),
    (cut_array, ["'input'", "damaged"]),
], ids=["pickle-beside-a-good-array", "pickle-as-the-input", "text", "cut-short"])
def test_calibration_arrays_that_are_not_numbers_are_refused(api, tmp_path, local_object_store, build, words):
    model_id, response = send(api, tmp_path, build())
    assert response.status_code == 400, response.content
    message = response.json()["errors"]["calibration"][0]
    for word in words:
        assert word in message, message
    assert "batch.npz" in message
    assert Job.objects.count() == 0
    assert not (local_object_store / f"models/{model_id}/calibration").exists()


def test_booleans_and_compressed_archives_are_accepted(api, tmp_path):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, input=np.ones((2, 16), np.float16), mask=np.ones((2,), bool))
    buffer.seek(0)
    _, response = send(api, tmp_path, buffer)
    assert response.status_code == 202, response.content
