"""V2 JSON request bodies, read with simdjson so that tensor data goes straight into arrays.

A JSON image is a long list of decimal numbers. Read with orjson, every number
becomes a Python float and the list then becomes an array: 3.3-4.3 ms for a
3x128x128 FP32 image (a 1 MB body) on the 2-core development machine. simdjson
parses the text and copies a numeric array into a buffer in C (`as_buffer`):
1.5 ms for the same body, the same values. Everything but the tensors' `data` is
small and becomes plain Python values; `data` that is not one kind of number
(strings, booleans, a mix) is read as a list, as before.

A small body (a few token ids, a feature row) is read with orjson instead: one
call in C, where walking simdjson's document costs a dozen Python calls. Warm,
the two break even near 2 KB; right after a model run, when the caches hold the
model rather than this code, orjson read encoder_short's 0.4 KB body and its
two inputs in less than half simdjson's time (`direct_infer` says why that is
the case that counts).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import simdjson

from .errors import InvalidInferenceRequest
from .tensors import ParsedNumbers

# The buffer type `as_buffer` fills for each numeric V2 datatype, and how to read it back.
_BUFFER_TYPE = {
    **{datatype: ("d", np.float64) for datatype in ("FP16", "FP32", "FP64")},
    **{datatype: ("i", np.int64) for datatype in ("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32")},
    "UINT64": ("u", np.uint64),
}
# Bodies up to this size are read with orjson (see above).
SMALL_BODY_BYTES = 2048


class JsonRequestReader:
    """One per event loop: a simdjson parser is reused, and is not to be shared across threads."""

    def __init__(self, small_body_bytes: int = SMALL_BODY_BYTES):
        self._parser = simdjson.Parser()
        self._small_body_bytes = small_body_bytes

    def read(self, body: bytes) -> Any:
        """The request as Python values; from a large body, each input's numeric `data` as `ParsedNumbers`."""
        if len(body) <= self._small_body_bytes:
            try:
                return orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise InvalidInferenceRequest(f"invalid request: the body is not valid JSON ({exc})") from exc
        try:
            document = self._parser.parse(body)
            # The parser's next parse invalidates `document`: nothing of it may outlive this call.
            if not isinstance(document, simdjson.Object):
                return _plain(document)
            try:
                return {key: _inputs(document[key]) if key == "inputs" else _plain(document[key]) for key in document}
            except KeyError:
                # simdjson lists a key that holds a NUL character but cannot look it up by name:
                # such a body is read whole into Python values, the way orjson reads it.
                return document.as_dict()
        except (ValueError, TypeError, RuntimeError) as exc:
            # simdjson's refusals: not JSON, not UTF-8, or a number it cannot hold (an integer
            # beyond 64 bits, which orjson refuses as well).
            raise InvalidInferenceRequest(f"invalid request: the body is not valid JSON ({exc})") from exc


# Keys and [key], not .items(): simdjson's items() converts every value to Python first.
def _inputs(value: Any) -> Any:
    if not isinstance(value, simdjson.Array):
        return _plain(value)
    return [_tensor(value[index]) for index in range(len(value))]


def _tensor(tensor: Any) -> Any:
    if not isinstance(tensor, simdjson.Object):
        return _plain(tensor)
    datatype = tensor["datatype"] if "datatype" in tensor else None
    return {key: _data(tensor[key], datatype) if key == "data" else _plain(tensor[key]) for key in tensor}


def _data(value: Any, datatype: Any) -> Any:
    if not isinstance(value, simdjson.Array) or not isinstance(datatype, str) or datatype not in _BUFFER_TYPE:
        return _plain(value)
    of_type, dtype = _BUFFER_TYPE[datatype]
    try:
        return ParsedNumbers(np.frombuffer(value.as_buffer(of_type=of_type), dtype=dtype))
    except (TypeError, ValueError):
        return value.as_list()  # not all numbers of that kind: the list says what is wrong


def _plain(value: Any) -> Any:
    if isinstance(value, simdjson.Object):
        return value.as_dict()
    if isinstance(value, simdjson.Array):
        return value.as_list()
    return value
