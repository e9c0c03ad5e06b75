"""Errors the serving runtime raises on purpose.

They subclass MLServer's own error so that MLServer's REST and gRPC layers answer
them with their status code and the protocol's error body `{"error": "..."}`
instead of a bare 500.
"""

from mlserver.errors import MLServerError

HTTP_BAD_REQUEST = 400
HTTP_UNAUTHORIZED = 401
HTTP_PAYLOAD_TOO_LARGE = 413
HTTP_UNPROCESSABLE_ENTITY = 422
HTTP_GATEWAY_TIMEOUT = 504


class InvalidInferenceRequest(MLServerError):
    """The request does not fit the package's signature (names, shapes, datatypes)."""

    def __init__(self, message: str):
        super().__init__(message, HTTP_BAD_REQUEST)


class PackageLoadFailed(MLServerError):
    """The engine could not open the package; the message carries the engine's own text."""

    def __init__(self, model_name: str, reason: Exception | str):
        super().__init__(
            f"model {model_name!r} could not be loaded: {reason}", HTTP_UNPROCESSABLE_ENTITY
        )


class RequestTooLarge(MLServerError):
    """The request body is larger than the engine takes (WHETSTONE_MAX_REQUEST_MB)."""

    def __init__(self, limit_bytes: int):
        super().__init__(
            f"the request body is larger than this engine takes ({limit_bytes // 2**20} MB; the engine's "
            "WHETSTONE_MAX_REQUEST_MB sets it): send the inputs in smaller batches, or binary rather than JSON",
            HTTP_PAYLOAD_TOO_LARGE,
        )


class AccessTokenRequired(MLServerError):
    """The deployment has an access token and the request did not carry it."""

    def __init__(self, message: str):
        super().__init__(message, HTTP_UNAUTHORIZED)


class RunTimedOut(MLServerError):
    """A model run went past the engine's deadline (WHETSTONE_RUN_TIMEOUT_S) and was stopped."""

    def __init__(self, seconds: float, env: str):
        super().__init__(
            f"the model's run took longer than this engine allows ({seconds:.3g} s; the engine's {env} sets it) "
            "and was stopped: send smaller inputs, or ask the operator for a longer deadline",
            HTTP_GATEWAY_TIMEOUT,
        )
