"""A local stand-in for an ESP's HTTP API (Postmark's, Amazon SES v2's): a real HTTP server on a
free port that records each request and answers what the test tells it. The ESP itself is
outside the machine; everything up to its API (anymail, requests or botocore, HTTP) is real."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.services import free_port


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


Answer = Callable[[Request], tuple[int, dict]]


@dataclass
class FakeESP:
    answer: Answer
    port: int = 0
    requests: list[Request] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def fake_esp(answer: Answer) -> Iterator[FakeESP]:
    esp = FakeESP(answer=answer, port=free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                "POST", self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            esp.requests.append(request)
            status, payload = esp.answer(request)
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", esp.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield esp
    finally:
        server.shutdown()
        server.server_close()
