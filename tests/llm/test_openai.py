"""The OpenAI-compatible client against real HTTP servers on 127.0.0.1, started here; every wait is bounded."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from neurosym.llm import load_model

SECRET = "sk-test-secret-never-logged"


class Handler(BaseHTTPRequestHandler):
    mode = "ok"
    seen: ClassVar[list[dict]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["_auth"] = self.headers.get("Authorization")
        type(self).seen.append(body)
        mode = type(self).mode
        if mode == "hang":
            time.sleep(3)  # longer than the client's timeout; the server thread ends by itself
            return self.reply(200, b"{}")
        if mode == "malformed":
            return self.reply(200, b'{"choices": [{"text": "P(a)"')
        if mode == "reject-grammar" and "structured_outputs" in body:
            return self.reply(400, b'{"error": "unknown field structured_outputs"}')
        if mode == "flaky" and len(type(self).seen) == 1:
            return self.reply(503, b'{"error": "busy"}')
        constrained = "structured_outputs" in body
        text = "P(a)" if constrained else "free text"
        choices = [{"index": i, "message": {"role": "assistant", "content": text}, "text": text,
                    "finish_reason": "stop"} for i in range(body.get("n", 1))]
        usage = {"prompt_tokens": 5, "completion_tokens": 3 * len(choices)}
        self.reply(200, json.dumps({"choices": choices, "usage": usage}).encode())

    def reply(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[type[Handler]]:
    Handler.mode, Handler.seen = "ok", []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield Handler
    httpd.shutdown()
    httpd.server_close()


def client(url: str, **options):
    options = {"timeout": 1.0, "connect_timeout": 1.0, "retries": 1, "backoff": 0.05, **options}
    return load_model(f"openai:tiny@{url}", **options)


def test_grammar_is_sent_as_structured_outputs(server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    rows = client(server.url).generate(["a", "b"], grammar="fol", n=3, temperature=0.7, max_tokens=20, seed=5)
    assert [[c.text for c in row] for row in rows] == [["P(a)"] * 3] * 2
    assert all(c.constrained and c.finish_reason == "stop" and c.prompt_tokens == 5 for row in rows for c in row)
    body = server.seen[0]
    assert body["structured_outputs"]["grammar"].startswith("// First-order logic")
    assert body["n"] == 3 and body["max_tokens"] == 20 and body["_auth"] == f"Bearer {SECRET}"


def test_completions_api(server) -> None:
    rows = client(server.url, api="completions").generate(["a"], stop=["\n"])
    assert rows[0][0].text == "free text" and server.seen[0]["prompt"] == "a"
    assert server.seen[0]["stop"] == ["\n"]


def test_server_rejecting_structured_outputs_gets_unconstrained_requests(server) -> None:
    server.mode = "reject-grammar"
    c = client(server.url)
    rows = c.generate(["a"], grammar="fol", n=2)
    assert [x.text for x in rows[0]] == ["free text"] * 2
    assert not any(x.constrained for x in rows[0])
    c.generate(["b"], grammar="fol")
    assert "structured_outputs" not in server.seen[-1]  # remembered: no second rejected request


def test_hanging_server_times_out(server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    server.mode = "hang"
    rows = client(server.url, timeout=0.3, retries=1).generate(["a", "b"], n=2)
    for row in rows:
        assert [c.finish_reason for c in row] == ["error", "error"]
        assert "timed out" in row[0].error and "2 attempts" in row[0].error and SECRET not in row[0].error


def test_malformed_json_is_an_error(server) -> None:
    server.mode = "malformed"
    rows = client(server.url).generate(["a"])
    assert rows[0][0].finish_reason == "error" and "malformed JSON" in rows[0][0].error
    assert len(server.seen) == 1  # not retried: it will not get better


def test_transient_503_is_retried(server) -> None:
    server.mode = "flaky"
    rows = client(server.url, retries=2).generate(["a"])
    assert rows[0][0].text == "free text" and len(server.seen) == 2


def test_unreachable_server() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rows = client(f"http://127.0.0.1:{port}/v1").generate(["a"], n=2)
    assert [c.finish_reason for c in rows[0]] == ["error", "error"] and "cannot reach" in rows[0][0].error


def test_concurrency_cap(server) -> None:
    rows = client(server.url, max_concurrency=2).generate([f"p{i}" for i in range(7)])
    assert len(rows) == 7 and len(server.seen) == 7
