"""The CLI's HTTP client against a server that drops a request on a kept-alive connection,
as gunicorn does when its keep-alive timeout ends just as the next request arrives."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from whetstone_cli.client import ApiError, Client


class DropsOneRequest(BaseHTTPRequestHandler):
    """Answers every request on a kept-alive connection, except the one after `drop_next` is
    set: that one's connection is closed with no answer."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        server = self.server
        server.seen.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.endswith("/slow/"):
            time.sleep(1.0)
        if server.drop_next:
            server.drop_next = False
            self.close_connection = True
            return
        body = json.dumps({"seen": len(server.seen)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), DropsOneRequest)
    server.seen, server.drop_next = [], False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def client_of(server: ThreadingHTTPServer) -> Client:
    return Client(f"http://127.0.0.1:{server.server_port}", "wst_test", timeout=5)


def test_a_get_dropped_on_a_kept_alive_connection_is_sent_again(server):
    client = client_of(server)
    client.get("jobs/1/")
    server.drop_next = True

    assert client.get("jobs/1/") == {"seen": 3}
    assert server.seen == [("GET", "/api/v1/jobs/1/")] * 3


def test_a_dropped_post_is_not_sent_again(server):
    # The server may have acted on it: starting a job twice is worse than an error.
    client = client_of(server)
    client.get("auth/me/")
    server.drop_next = True

    with pytest.raises(ApiError, match="Could not reach"):
        client.post("models/1/optimizations/", {"recipe": "auto"})
    assert server.seen == [("GET", "/api/v1/auth/me/"), ("POST", "/api/v1/models/1/optimizations/")]


def test_a_get_that_timed_out_is_not_sent_again(server):
    # The server is working on it: a second copy would only double the wait, and the work.
    client = Client(f"http://127.0.0.1:{server.server_port}", "wst_test", timeout=0.3)

    with pytest.raises(ApiError, match="Could not reach"):
        client.get("jobs/1/package/slow/")
    assert server.seen == [("GET", "/api/v1/jobs/1/package/slow/")]
