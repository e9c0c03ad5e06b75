"""V2 request tensors in, V2 response tensors out, checked against signature.json.

Every way a request can disagree with the package's signature is turned into an
`InvalidInferenceRequest` naming the input and what would have been accepted,
so a client sees a 400 it can act on rather than an engine stack trace.
"""

from __future__ import annotations

from math import prod
from typing import Any, Mapping, NamedTuple

import numpy as np
from mlserver.types import RequestInput, ResponseOutput, TensorData

from .binary import BINARY_DATA_SIZE, InvalidBinaryRequest, decode_binary
from .datatypes import V2_TO_NUMPY, is_fixed_dim, numpy_dtype, v2_datatype
from .errors import InvalidInferenceRequest


class ParsedNumbers(NamedTuple):
    """A tensor's JSON `data` that the JSON reader already read into a flat array of numbers
    (float64, int64 or uint64 by the request's datatype); see json_request."""

    values: np.ndarray


class WireInput(NamedTuple):
    """One request input as it came over the wire, whichever layer parsed it."""

    name: str
    datatype: str
    shape: list[int]
    data: Any
    binary_data_size: int | None = None


def wire_inputs(request_inputs: list[RequestInput]) -> list[WireInput]:
    """The inputs of a request MLServer has already validated (its REST and gRPC paths)."""
    return [
        WireInput(
            name=request_input.name,
            datatype=_datatype_name(request_input.datatype),
            shape=list(request_input.shape),
            data=getattr(request_input.data, "root", request_input.data),
            binary_data_size=_binary_data_size(request_input),
        )
        for request_input in request_inputs
    ]


def parse_wire_inputs(request: Any) -> list[WireInput]:
    """The inputs of a V2 request body as parsed JSON, checked the way MLServer's request
    model checks them; `direct_infer` answers without that model, so the checks live here."""
    if not isinstance(request, dict):
        raise InvalidInferenceRequest("invalid request: the body must be a JSON object with a list of inputs")
    tensors = request.get("inputs")
    if not isinstance(tensors, list):
        raise InvalidInferenceRequest("invalid request: inputs: a list of input tensors is required")
    parsed = []
    for index, tensor in enumerate(tensors):
        where = f"inputs.{index}"
        if not isinstance(tensor, dict):
            raise InvalidInferenceRequest(f"invalid request: {where}: must be an object")
        name, datatype, shape = tensor.get("name"), tensor.get("datatype"), tensor.get("shape")
        if not isinstance(name, str):
            raise InvalidInferenceRequest(f"invalid request: {where}.name: a string is required")
        if not isinstance(datatype, str) or datatype not in V2_TO_NUMPY:
            raise InvalidInferenceRequest(
                f"invalid request: {where}.datatype: {datatype!r} is not one of {sorted(V2_TO_NUMPY)}"
            )
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
            raise InvalidInferenceRequest(f"invalid request: {where}.shape: a list of integers is required")
        if "data" not in tensor:
            raise InvalidInferenceRequest(f"invalid request: {where}.data: field required")
        parameters = tensor.get("parameters")
        if parameters is not None and not isinstance(parameters, dict):
            raise InvalidInferenceRequest(f"invalid request: {where}.parameters: must be an object")
        size = (parameters or {}).get(BINARY_DATA_SIZE)
        parsed.append(WireInput(name, datatype, shape, tensor["data"], size))
    return parsed


class InputDecoder:
    """Arrays for the engine, in the signature's dtypes, from a request's inputs, with what
    does not change from call to call (each input's dtype, datatype and shape, which sent
    datatypes it accepts) worked out once: a model keeps one (`WhetstoneRuntime.input_decoder`).

    `blobs` holds the binary part of a binary tensor data request, by input name."""

    def __init__(self, signature_inputs: list[dict[str, Any]]):
        self._specs = {spec["name"]: _InputSpec(spec) for spec in signature_inputs}

    def decode(self, inputs: list[WireInput], blobs: Mapping[str, memoryview] | None = None) -> dict[str, np.ndarray]:
        specs = self._specs
        arrays: dict[str, np.ndarray] = {}
        for wire in inputs:
            spec = specs.get(wire.name)
            if spec is None:
                raise InvalidInferenceRequest(
                    f"unknown input {wire.name!r}; the model's inputs are {sorted(specs)}"
                )
            if wire.name in arrays:
                raise InvalidInferenceRequest(f"input {wire.name!r} is given twice")
            arrays[wire.name] = spec.decode(wire, blobs)
        if len(arrays) != len(specs):
            missing = [name for name in specs if name not in arrays]
            raise InvalidInferenceRequest(f"missing input(s) {missing}; the model needs {list(specs)}")
        return arrays


class _InputSpec:
    def __init__(self, spec: dict[str, Any]):
        self.dtype = numpy_dtype(spec["dtype"])
        self.datatype = v2_datatype(self.dtype)
        self.shape = list(spec.get("shape") or [])
        # Sent datatype -> the dtype its values are read as, or None where refused.
        self._accepted: dict[str, np.dtype | None] = {}

    def _sent_dtype(self, datatype: str) -> np.dtype | None:
        if datatype not in self._accepted:
            sent = np.dtype(V2_TO_NUMPY[datatype])
            # Widening or narrowing within a kind (FP64 -> FP32, INT32 -> INT64) is what
            # JSON clients do all the time; a float for an integer input or text for a
            # number means the client is talking to the wrong model.
            same_kind = np.can_cast(sent, self.dtype, casting="same_kind")
            accepted = (sent.kind == "O") == (self.dtype.kind == "O") and same_kind
            self._accepted[datatype] = sent if accepted else None
        return self._accepted[datatype]

    def decode(self, wire: WireInput, blobs: Mapping[str, memoryview] | None) -> np.ndarray:
        name = wire.name
        sent_datatype = wire.datatype
        data = wire.data
        checked = _checked_arrays(data)
        if checked is None:
            sent_dtype = self._sent_dtype(sent_datatype)
            if sent_dtype is None:
                raise InvalidInferenceRequest(
                    f"input {name!r} has datatype {sent_datatype}; the model expects {self.datatype}"
                )

        shape = wire.shape
        if not _shape_fits(shape, self.shape):
            raise InvalidInferenceRequest(
                f"input {name!r} has shape {shape}; the model expects {_describe(self.shape)}"
            )

        if checked is not None:
            array = _stacked(name, checked)
        elif wire.binary_data_size is not None:
            array = _from_binary(name, sent_datatype, shape, blobs)
        elif isinstance(data, ParsedNumbers):
            array = data.values.astype(sent_dtype, copy=False)
        else:
            try:
                array = np.asarray(data, dtype=sent_dtype)
            except (TypeError, ValueError, OverflowError) as exc:
                raise InvalidInferenceRequest(
                    f"input {name!r}: data cannot be read as {sent_datatype}: {exc}"
                ) from exc
        if array.size != prod(shape):
            raise InvalidInferenceRequest(
                f"input {name!r}: shape {shape} needs {prod(shape)} values; the request has {array.size}"
            )
        return array.reshape(shape).astype(self.dtype, copy=False)


def keep_decoded(request_inputs: list[RequestInput], arrays: dict[str, np.ndarray]) -> None:
    """Put each input's decoded array in place of its data, so that a request checked
    before it joins an adaptive batch is not decoded a second time: MLServer's batcher
    gathers the arrays of the batched requests in a list, which `InputDecoder.decode` stacks."""
    for request_input in request_inputs:
        request_input.data = TensorData.model_construct(arrays[request_input.name])


def _checked_arrays(data: Any) -> list[np.ndarray] | None:
    # Only keep_decoded puts arrays here: JSON and gRPC requests carry lists, strings or bytes.
    if isinstance(data, np.ndarray):
        return [data]
    if isinstance(data, list) and data and all(isinstance(item, np.ndarray) for item in data):
        return data
    return None


def _stacked(name: str, arrays: list[np.ndarray]) -> np.ndarray:
    if len(arrays) == 1:
        return arrays[0]
    try:
        return np.concatenate(arrays, axis=0)
    except ValueError as exc:
        raise InvalidInferenceRequest(
            f"input {name!r}: the requests batched together differ in shape beyond the batch dim ({exc})"
        ) from exc


def _binary_data_size(request_input: RequestInput) -> Any:
    parameters = request_input.parameters
    return None if parameters is None else getattr(parameters, BINARY_DATA_SIZE, None)


def _from_binary(name: str, datatype: str, shape: list[int], blobs: Mapping[str, memoryview] | None) -> np.ndarray:
    blob = (blobs or {}).get(name)
    if blob is None:
        raise InvalidInferenceRequest(
            f"input {name!r} has binary_data_size but the request has no binary part: send the JSON "
            "followed by the bytes, with the JSON's length in the Inference-Header-Content-Length header"
        )
    try:
        return decode_binary(name, datatype, shape, blob)
    except InvalidBinaryRequest as exc:
        raise InvalidInferenceRequest(str(exc)) from exc


def encode_outputs(
    outputs: dict[str, np.ndarray], signature_outputs: list[dict[str, Any]]
) -> list[ResponseOutput]:
    """Response tensors in the signature's order, each with its own shape and V2 datatype."""
    return [encode_output(name, array) for name, array in ordered_outputs(outputs, signature_outputs)]


def ordered_outputs(
    outputs: dict[str, np.ndarray], signature_outputs: list[dict[str, Any]]
) -> list[tuple[str, np.ndarray]]:
    """The engine's outputs in the signature's order, then any the signature does not name.

    V2 has no sequence type: a sequence output (a list of arrays) is answered as one tensor with the
    sequence as its first axis when its elements share a shape, else as one tensor per element,
    named `output.0`, `output.1`, ..."""
    ordered = [spec["name"] for spec in signature_outputs if spec["name"] in outputs]
    ordered += [name for name in outputs if name not in ordered]
    answered = []
    for name in ordered:
        value = outputs[name]
        if isinstance(value, (list, tuple)) and len({np.shape(element) for element in value}) > 1:
            answered += [(f"{name}.{index}", np.asarray(element)) for index, element in enumerate(value)]
        else:
            answered.append((name, np.asarray(value)))
    return answered


def encode_output(name: str, array: np.ndarray) -> ResponseOutput:
    datatype = v2_datatype(array.dtype)
    data = text_values(array) if datatype == "BYTES" else array.ravel().tolist()
    # MLServer's NumpyCodec would turn shape [n] into [n, 1]; the client gets
    # exactly the shape the engine produced instead. Built as is: every field is
    # already what validation would make of it, and FastAPI validates the response again.
    return ResponseOutput.model_construct(name=name, datatype=datatype, shape=list(array.shape),
                                          data=TensorData.model_construct(data))


def text_values(array: np.ndarray) -> list[str]:
    """A BYTES tensor's elements as the JSON form carries them: text."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in array.ravel()]


def _datatype_name(datatype: Any) -> str:
    return getattr(datatype, "value", str(datatype))


def _shape_fits(shape: list[int], expected: list[Any]) -> bool:
    if len(shape) != len(expected):
        return False
    for got, want in zip(shape, expected):
        if got < 0:
            return False
        if is_fixed_dim(want) and got != want:
            return False
    return True


def _describe(shape: list[Any]) -> str:
    return "[" + ", ".join(str(d) if is_fixed_dim(d) else f"{d or '?'} (any)" for d in shape) + "]"
