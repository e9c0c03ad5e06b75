"""The JSON reader of the direct path gives InputDecoder what orjson would, numbers as arrays.

The reader takes a small body to orjson and a large one to simdjson; each test here runs
against both (`reader`), with the threshold moved so that the same small bodies take either way."""

from __future__ import annotations

import json

import numpy as np
import orjson
import pytest

from deploy.serving.errors import InvalidInferenceRequest
from deploy.serving.json_request import SMALL_BODY_BYTES, JsonRequestReader
from deploy.serving.tensors import InputDecoder, ParsedNumbers, parse_wire_inputs

SIGNATURE = [{"name": "x", "dtype": "float32", "shape": ["batch", 2, 2]}]


def body(data, datatype="FP32", shape=(1, 2, 2), **extra) -> bytes:
    return json.dumps({"id": "r1", "inputs": [{"name": "x", "shape": list(shape), "datatype": datatype,
                                              "data": data, "parameters": {"note": "n"}}], **extra}).encode()


SIMDJSON, ORJSON = "simdjson", "orjson"


@pytest.fixture(params=[SIMDJSON, ORJSON])
def reader(request) -> JsonRequestReader:
    return JsonRequestReader(small_body_bytes=0 if request.param == SIMDJSON else SMALL_BODY_BYTES)


def both_ways(reader: JsonRequestReader, raw: bytes):
    """(decoded by the reader, decoded from orjson's plain lists), or the error each raised."""
    results = []
    for request in (reader.read(raw), orjson.loads(raw)):
        try:
            results.append(InputDecoder(SIGNATURE).decode(parse_wire_inputs(request))["x"])
        except InvalidInferenceRequest as exc:
            results.append(type(exc))
    return results


@pytest.mark.parametrize("data, datatype", [
    ([0.1, -2.5, 3e-8, 1e30], "FP32"),
    ([[0.1, 2], [3, 4.75]], "FP32"),       # nested rows and integers among floats
    ([1, 2, 3, 4], "FP64"),
    ([1, -2, 2**40, 4], "INT64"),
])
def test_numbers_read_into_the_same_array_as_through_python_lists(reader, data, datatype):
    reader_view = reader.read(body(data, datatype))
    assert isinstance(reader_view["inputs"][0]["data"], ParsedNumbers if reader._small_body_bytes == 0 else list)
    assert reader_view["id"] == "r1" and reader_view["inputs"][0]["parameters"] == {"note": "n"}
    fast, plain = both_ways(reader, body(data, datatype))
    assert fast.dtype == plain.dtype == np.float32
    np.testing.assert_array_equal(fast, plain)


@pytest.mark.parametrize("data, datatype", [
    (["a", "b", "c", "d"], "FP32"),       # text declared FP32
    ([1.5, 2, 3, 4], "INT64"),            # floats for an integer datatype: read as a list, as before
    ([True, False, True, False], "FP32"),
    ([1, 2, 3], "FP32"),                  # too few values
    ([[1, 2], [3, "x"]], "FP32"),
])
def test_other_data_is_read_as_a_list_and_judged_as_before(reader, data, datatype):
    fast, plain = both_ways(reader, body(data, datatype))
    if isinstance(plain, type):
        assert fast is plain
    else:
        np.testing.assert_array_equal(fast, plain)


@pytest.mark.parametrize("raw", [b'{"inputs": [', b"", b"\xff\xfe", b'{"a": 1} trailing'])
def test_a_body_that_is_not_json_is_a_protocol_error(reader, raw):
    with pytest.raises(InvalidInferenceRequest, match="not valid JSON"):
        reader.read(raw)


def test_an_integer_beyond_64_bits_is_a_protocol_error_either_way(reader):
    # simdjson refuses the body; orjson reads the number as a float, which INT64 data refuses.
    with pytest.raises(InvalidInferenceRequest, match="not valid JSON|cannot be read as INT64"):
        InputDecoder([{"name": "x", "dtype": "int64", "shape": ["batch", 2, 2]}]).decode(
            parse_wire_inputs(reader.read(body([1, 2, 3, 2**70], "INT64"))))


def test_a_body_that_is_json_but_not_an_object_comes_back_for_the_request_check(reader):
    assert reader.read(b"[1, 2]") == [1, 2] and reader.read(b"3") == 3
    with pytest.raises(InvalidInferenceRequest, match="JSON object"):
        parse_wire_inputs(reader.read(b"[1, 2]"))


@pytest.mark.parametrize("raw", [
    b'{"a\\u0000b": 1, "inputs": []}',                                          # top-level key
    json.dumps({"inputs": [{"name": "x", "\x00": 1, "shape": [1, 2, 2], "datatype": "FP32",
                            "data": [1, 2, 3, 4]}]}).encode(),                  # key inside a tensor
])
def test_a_key_holding_a_nul_character_is_read_like_any_other(reader, raw):
    # simdjson lists such a key but cannot look it up by name (found by the direct path's fuzz test).
    assert reader.read(raw) == orjson.loads(raw)


def test_the_default_reader_takes_a_small_body_to_orjson_and_a_large_one_to_simdjson():
    reader = JsonRequestReader()
    values = np.arange(4 * 1024, dtype=np.float32)
    small = reader.read(body([1, 2, 3, 4]))
    assert isinstance(small["inputs"][0]["data"], list)
    large = reader.read(body(values.tolist(), shape=(1024, 2, 2)))
    assert isinstance(large["inputs"][0]["data"], ParsedNumbers)
    np.testing.assert_array_equal(large["inputs"][0]["data"].values, values)

