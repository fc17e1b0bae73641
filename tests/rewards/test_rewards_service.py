"""The HTTP service, started for real with uvicorn on 127.0.0.1 (a free port), bounded request loops."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from rewards_helpers import flipped, kk_task

from neurosym.rewards.service import create_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(verifier):
    port = _free_port()
    app = create_app(verifier, max_request_bytes=200_000, max_batch=256, max_queue=200)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):  # bounded wait for the port to open
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        pytest.fail("the server did not start")
    yield base
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def items(kk_rows):
    out = []
    for row in kk_rows[:20]:
        out.append({"task": kk_task(row), "completion": f"<answer>{row['solution_text']}</answer>"})
        out.append({"task": kk_task(row), "completion": f"<answer>{flipped(row['solution_text'])}</answer>"})
    return out


def test_health_and_one_verdict(server, items):
    health = httpx.get(f"{server}/health", timeout=5).json()
    assert health["status"] == "ok" and health["max_batch"] == 256
    verdict = httpx.post(f"{server}/verify", json=items[0], timeout=30).json()
    assert verdict["status"] == "correct" and verdict["reward"] == 1.0


def test_batch_keeps_order_under_concurrent_clients(server, items):
    expected = ["correct", "wrong"] * (len(items) // 2)

    def one_request(shift: int) -> bool:
        batch = items[shift:] + items[:shift]
        reply = httpx.post(f"{server}/verify_batch", json={"items": batch}, timeout=60)
        statuses = [v["status"] for v in reply.json()["verdicts"]]
        return statuses == expected[shift:] + expected[:shift]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(one_request, [0, 1, 2, 3, 4, 5, 6, 7]))


def test_openrlhf_contract(server, kk_rows):
    row = kk_rows[0]
    prompt = "Who is a knight?"
    body = {"query": [prompt + f"<answer>{row['solution_text']}</answer>", prompt + "no idea"],
            "prompts": [prompt, prompt], "labels": [json.dumps(kk_task(row))] * 2}
    reply = httpx.post(f"{server}/get_reward", json=body, timeout=30).json()
    assert reply["rewards"] == [1.0, 0.0]
    assert [v["status"] for v in reply["verdicts"]] == ["correct", "no_answer"]
    short = httpx.post(f"{server}/get_reward", json={**body, "labels": body["labels"][:1]}, timeout=30)
    assert short.status_code == 422 and "labels" in short.text


def test_clear_4xx_for_bad_requests(server, items):
    too_big = httpx.post(f"{server}/verify", content=b"{" + b" " * 300_000 + b"}",
                         headers={"content-type": "application/json"}, timeout=30)
    assert too_big.status_code == 413 and "over the limit" in too_big.json()["detail"]
    chunks = iter([b'{"task": "', b"x" * 150_000, b"x" * 150_000, b'", "completion": ""}'])  # no Content-Length
    streamed = httpx.post(f"{server}/verify", content=chunks, headers={"content-type": "application/json"},
                          timeout=30)
    assert streamed.status_code == 413
    too_many = httpx.post(f"{server}/verify_batch", json={"items": [items[0]] * 257}, timeout=30)
    assert too_many.status_code == 413 and "limit is 256" in too_many.json()["detail"]
    over_queue = httpx.post(f"{server}/verify_batch", json={"items": [items[0]] * 201}, timeout=30)
    assert over_queue.status_code == 503 and over_queue.headers["retry-after"] == "1"
    assert "the queue holds 200" in over_queue.json()["detail"]
    missing = httpx.post(f"{server}/verify", json={"task": items[0]["task"]}, timeout=30)
    assert missing.status_code == 422 and "completion" in missing.text
    not_json = httpx.post(f"{server}/verify", content=b"{oops", headers={"content-type": "application/json"},
                          timeout=30)
    assert not_json.status_code == 422
    bad_task = httpx.post(f"{server}/verify", json={"task": "{}", "completion": "x"}, timeout=30).json()
    assert bad_task["status"] == "verifier_error" and "language" in bad_task["reason"]
