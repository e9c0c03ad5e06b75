"""WhetstoneRuntime: the MLServer model class that serves a Whetstone package.

A model-settings.json naming `deploy.serving.runtime.WhetstoneRuntime` and a
`parameters.uri` pointing at a package folder (model.onnx, runtime.json,
signature.json, report.json) is all MLServer needs. The package is opened with
`compiler_core.runtime.load_package`, the same call the worker measured it
with, so the engine and session options in runtime.json are the ones served.
Before it serves, the package's accuracy is checked against its fp32 original on
this engine (accuracy_on_load.py); one that misses its budget here is refused.
"""

from __future__ import annotations

import asyncio
import hmac
from pathlib import Path
from typing import Any

from mlserver import MLModel
from mlserver.types import InferenceRequest, InferenceResponse, MetadataModelResponse, MetadataTensor, Parameters
from mlserver.utils import get_model_uri

from compiler_core.runtime import PackageRunner, load_package

from .accuracy_on_load import check_package_on_this_engine, describe_verdict
from .speed_on_load import measure_package_on_this_engine
from .datatypes import v2_datatype, v2_shape
from .errors import AccessTokenRequired, InvalidInferenceRequest, PackageLoadFailed, RunTimedOut
from .repository import ACCESS_TOKEN_HASH_KEY, access_token_hash
from .binary import binary_inputs
from .run_deadline import WATCHDOG, run_timeout_s, stops_mid_run
from .run_placement import LOOP_RUN_DEADLINE_S, RunPlacement
from .tensors import InputDecoder, encode_outputs, keep_decoded, wire_inputs


class WhetstoneRuntime(MLModel):
    _runner: PackageRunner
    _placement: RunPlacement
    input_decoder: InputDecoder
    # Adaptive batching is on (MLServer's batcher wraps predict for gRPC; direct_infer
    # batches REST calls itself); set by load().
    batching: bool = False
    # direct_infer answers V2 REST infer calls for this model without MLServer's REST path;
    # it asks by this flag, see there why not by isinstance.
    ANSWERS_DIRECT_INFER = True

    async def load(self) -> bool:
        try:
            # get_model_uri resolves a relative uri against the folder holding
            # model-settings.json, as MLServer does for its own runtimes.
            package_dir = await get_model_uri(self.settings)
            self._runner = await asyncio.to_thread(load_package, package_dir)
            # Before it serves: does the package hold its accuracy on this machine's kernels?
            self.accuracy_on_engine = await asyncio.to_thread(check_package_on_this_engine, Path(package_dir),
                                                              self._runner)
        except Exception as exc:
            # Left alone, MLServer answers a failed load with a bare 500 and the
            # reason only in its log; the deployer needs the engine's own words.
            raise PackageLoadFailed(self.name, exc) from exc
        if self.accuracy_on_engine.get("passes") is False:
            raise PackageLoadFailed(self.name, describe_verdict(self.accuracy_on_engine))
        # Before it serves: is the package faster here than the original it replaces?
        self.speed_on_engine = await asyncio.to_thread(_speed_on_engine, Path(package_dir), self._runner)
        self._placement = RunPlacement(WATCHDOG.bounded(self._runner.run, run_timeout_s()), self._runner.runtime,
                                       self.name, loop_run=WATCHDOG.bounded(self._runner.run, LOOP_RUN_DEADLINE_S),
                                       stoppable=stops_mid_run(self._runner))
        self.input_decoder = InputDecoder(self._runner.signature.get("inputs", []))
        self.inputs = _metadata(self._runner.signature.get("inputs", []))
        self.outputs = _metadata(self._runner.signature.get("outputs", []))
        extra = (self.settings.parameters.extra if self.settings.parameters else None) or {}
        self._access_token_sha256 = extra.get(ACCESS_TOKEN_HASH_KEY) or None
        self.batching = self.settings.max_batch_size > 1 and self.settings.max_batch_time > 0
        if self.batching or self._access_token_sha256:
            self._check_each_request_first(signature_checked=self.batching)
        return True

    async def metadata(self) -> MetadataModelResponse:
        """MLServer's metadata, plus the hardware class this engine serves and the verdicts of the
        checks on load (accuracy_on_load.py, speed_on_load.py), for the platform to record."""
        metadata = await super().metadata()
        parameters = metadata.parameters or Parameters()
        # MLServer answers for a model while load() still runs (at an engine's start, its speed check
        # may wait its turn): verdicts only once both are in, or the platform would take half of them.
        loaded = bool(getattr(self, "ready", False))
        verdict = (getattr(self, "accuracy_on_engine", None) or {}) if loaded else {}
        setattr(parameters, "hardware_class", verdict.get("hardware_class"))
        setattr(parameters, "accuracy_on_engine", verdict)
        setattr(parameters, "speed_on_engine", (getattr(self, "speed_on_engine", None) or {}) if loaded else {})
        metadata.parameters = parameters
        return metadata

    @property
    def signature(self) -> dict[str, Any]:
        return self._runner.signature

    @property
    def fills_every_core(self) -> bool:
        """One run uses every core the engine may use (run_placement)."""
        return self._placement.fills_every_core

    def _check_each_request_first(self, *, signature_checked: bool) -> None:
        # MLServer's adaptive batcher (installed before load() runs) merges
        # requests first and predicts once, so one malformed request would fail
        # every request batched with it, and a merged request no longer says
        # which caller sent which token. Checking each request before it joins
        # a batch keeps the 400 or 401 with the client that sent it. The arrays
        # decoded here go on in the request, so the batch is not decoded again.
        inner_predict = self.predict

        async def predict_checked_first(payload: InferenceRequest) -> InferenceResponse:
            # MLServer puts the HTTP headers (gRPC metadata) of the call here,
            # replacing whatever the body said, and lower-cases their names.
            headers = (payload.parameters.headers if payload.parameters else None) or {}
            self.check_access_token(headers.get("authorization"))
            if signature_checked:
                arrays = self.input_decoder.decode(wire_inputs(payload.inputs), binary_inputs.get())
                keep_decoded(payload.inputs, arrays)
            return await inner_predict(payload)

        self.predict = predict_checked_first  # type: ignore[method-assign]

    def check_access_token(self, authorization: str | None) -> None:
        """Refuse the call unless the deployment has no token or `authorization` is
        'Bearer <its token>'."""
        if not self._access_token_sha256:
            return
        scheme, _, token = str(authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AccessTokenRequired(
                f"model {self.name!r} needs its access token: send 'Authorization: Bearer <token>'"
            )
        if not hmac.compare_digest(access_token_hash(token.strip()), self._access_token_sha256):
            raise AccessTokenRequired(f"the access token is not valid for model {self.name!r}")

    async def run(self, arrays: dict[str, Any]) -> dict[str, Any]:
        """The package's outputs for decoded inputs, computed in a worker thread or,
        for a quick model that fills every core, on the event loop (run_placement)."""
        try:
            return await self._placement.run(arrays)
        except RunTimedOut:
            raise  # the engine's deadline (run_deadline.py), not the request's fault
        except Exception as exc:
            # Inputs already match the signature's names, ranks and dtypes; what
            # is left for the engine to refuse is request content (e.g. two
            # inputs disagreeing on a shared symbolic dim).
            raise InvalidInferenceRequest(f"the engine refused the request: {exc}") from exc

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        signature = self._runner.signature
        arrays = self.input_decoder.decode(wire_inputs(payload.inputs), binary_inputs.get())
        outputs = await self.run(arrays)
        return InferenceResponse(
            model_name=self.name,
            model_version=self.version,
            id=payload.id,
            outputs=encode_outputs(outputs, signature.get("outputs", [])),
        )


def _speed_on_engine(package_dir: Path, runner: PackageRunner) -> dict[str, Any]:
    # The package holds its accuracy here; what its speed is here is news, not a reason to refuse
    # it, so a measurement that breaks (an original that refuses the generated batch, say) is said.
    try:
        return measure_package_on_this_engine(package_dir, runner)
    except Exception as exc:  # noqa: BLE001 - the verdict says why nothing was measured
        from compiler_core.hardware import describe_hardware

        here = describe_hardware()  # the machine it was not measured on, as a measured verdict names it
        return {"hardware_class": here["hardware_class"], "cpu_generation": here.get("cpu_generation"),
                "checked": False, "slower_than_original": None, "reason": f"{type(exc).__name__}: {exc}"}


def _metadata(tensors: list[dict[str, Any]]) -> list[MetadataTensor]:
    return [
        MetadataTensor(
            name=tensor["name"],
            datatype=v2_datatype(tensor["dtype"]),
            shape=v2_shape(tensor.get("shape") or []),
        )
        for tensor in tensors
    ]
