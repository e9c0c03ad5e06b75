"""The engine says which hardware class it serves: `GET /v2/repository/hardware`.

Under the repository path on purpose: RepositoryGuard lets only the platform (the admin token, or
loopback on an engine without one) read it, like the rest of what the engine tells the platform
about itself. The class is computed once, when the engine starts (engine.main refuses a declared
WHETSTONE_HARDWARE_CLASS the machine cannot serve), by the same function the workers use.
"""

from __future__ import annotations

import orjson

HARDWARE_PATH = "/v2/repository/hardware"


def engine_hardware() -> dict:
    from compiler_core.hardware import describe_hardware

    hardware = describe_hardware()
    return {"hardware_class": hardware["hardware_class"], "hardware": hardware}


class HardwareReport:
    """ASGI middleware: answers GET /v2/repository/hardware, passes everything else on."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].rstrip("/") == HARDWARE_PATH:
            body = orjson.dumps(engine_hardware())
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
