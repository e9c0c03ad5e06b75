"""`whetstone optimize` shows the server's refusal in the CLI's own terms (--shapes, --time-budget),
from the body the real API answers."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.models import tiny_mlp
from whetstone_cli.main import main

pytestmark = pytest.mark.django_db


def serve(answers: dict[tuple[str, str], tuple[int, dict]]) -> ThreadingHTTPServer:
    class Recorded(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = answers[(self.command, self.path)]
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("argv, payload, expected", [
    (["--shapes", "banana"], {"shapes": "banana"}, "--shapes: 'banana' should look like dim=1,4,16"),
    (["--shapes", "seq=4"], {"shapes": "seq=4"}, "--shapes: names dims ['seq'] that the model does not have"),
    (["--time-budget", "5"], {"time_budget_s": 5}, "--time-budget: Ensure this value is greater than or equal to 10"),
    (["--hardware-class", "x86_64-amd-avx3"], {"hardware_class": "x86_64-amd-avx3"},
     "--hardware-class: 'x86_64-amd-avx3' is not a hardware class: 'avx3' is no level"),
])
def test_a_refused_optimization_names_the_flag(api, tmp_path, monkeypatch, capsys, argv, payload, expected):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "m"}, format="multipart").json()
    request = {"recipe": "auto", "device": "cpu", **payload}
    refusal = api.post(f"/api/v1/models/{model['id']}/optimizations/", request, format="json")
    assert refusal.status_code == 400
    server = serve({("GET", f"/api/v1/models/{model['id']}/"): (200, model),
                    ("POST", f"/api/v1/models/{model['id']}/optimizations/"): (400, refusal.json())})
    try:
        monkeypatch.setenv("WHETSTONE_CONFIG", str(tmp_path / "config.json"))
        monkeypatch.setenv("WHETSTONE_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("WHETSTONE_TOKEN", "wst_test")
        assert main(["optimize", str(model["id"]), *argv]) == 2
    finally:
        server.shutdown()
        server.server_close()
    stderr = capsys.readouterr().err
    assert expected in stderr, stderr
    assert "shapes:" not in stderr.replace("--shapes:", "")  # no API field name where a flag is meant
