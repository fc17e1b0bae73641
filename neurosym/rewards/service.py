"""`neurosym serve`: the reward verifier as an HTTP service (FastAPI on uvicorn).

Endpoints:
- `POST /verify` `{"task": {...}, "completion": "..."}` -> `{"reward", "status", "reason", "details"}`
- `POST /verify_batch` `{"items": [{"task", "completion"}, ...]}` -> `{"verdicts": [...]}`, in order
- `POST /get_reward` OpenRLHF's remote reward contract: `{"query", "prompts", "labels"}` -> `{"rewards", ...}`
- `GET /health` -> `{"status": "ok", "in_flight": n, ...}`

Bounds: a request body over `max_request_bytes` is 413 before it is read whole; a batch over `max_batch`
items is 413; when the items in flight would pass `max_queue` the request is 503 with Retry-After, so a
burst queues boundedly instead of growing without end. A malformed request is 400 (bad JSON) or 422
(wrong shape) naming the field. Each item runs under the verifier's per-item limit (`item_seconds`).
Verification runs in threads off the event loop, so /health answers while a batch runs.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from neurosym.rewards.config import RewardConfig
from neurosym.rewards.frameworks import openrlhf_rewards
from neurosym.rewards.verify import Verifier

DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_BATCH = 8192
DEFAULT_MAX_QUEUE = 32768


class Item(BaseModel):
    task: dict[str, Any] | str = Field(description="the task: a neurosym problem with its expected answer")
    completion: str | list[dict[str, Any]] = Field(description="the model's text, or its messages")


class Batch(BaseModel):
    items: list[Item]


class RemoteReward(BaseModel):
    """OpenRLHF's remote reward request: prompt + response as `query`, the task of each as its label."""

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any]


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes, by its Content-Length or as it streams in."""

    def __init__(self, app: Any, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send, int(declared))
            return
        seen = 0
        started = rejected = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit and not started:
                    # Answer 413 now and tell the app the client left, so it stops reading.
                    rejected = True
                    await self._reject(send, seen)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            if rejected:
                return  # the 413 has been sent: whatever the app says after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except Exception:
            if not rejected:
                raise

    async def _reject(self, send: Any, size: int) -> None:
        import json

        body = json.dumps({"detail": f"request body of {size}+ bytes is over the limit of {self.limit} bytes"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body.encode()})


def create_app(verifier: Verifier | None = None, *, config: RewardConfig | dict[str, Any] | None = None,
               max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES, max_batch: int = DEFAULT_MAX_BATCH,
               max_queue: int = DEFAULT_MAX_QUEUE, concurrent_batches: int = 4) -> Any:
    """The FastAPI application (wrapped in the body-size limit). At most `concurrent_batches` requests are
    checked at once (the rest wait in the bounded queue): the inline checks hold the GIL, and more threads
    fighting for it only slow every request down; the pool's workers do the parallel prover work."""
    import asyncio

    chosen = verifier or Verifier(config)
    gate = asyncio.Semaphore(max(1, concurrent_batches))
    state = {"in_flight": 0, "served": 0}
    lock = threading.Lock()
    app = FastAPI(title="neurosym reward verifier", version="1")

    def admit(count: int) -> None:
        if count > max_batch:
            raise HTTPException(413, f"{count} items in one request; the limit is {max_batch}")
        with lock:
            if state["in_flight"] + count > max_queue:
                raise HTTPException(503, f"{state['in_flight']} items in flight; the queue holds {max_queue}",
                                    headers={"Retry-After": "1"})
            state["in_flight"] += count

    def release(count: int) -> None:
        with lock:
            state["in_flight"] -= count
            state["served"] += count

    async def run(tasks: list[Any], completions: list[Any]) -> list[dict[str, Any]]:
        admit(len(tasks))
        try:
            async with gate:
                verdicts = await run_in_threadpool(chosen.verify_batch, tasks, completions)
        finally:
            release(len(tasks))
        return [v.to_dict() for v in verdicts]

    @app.get("/health")
    async def health() -> dict[str, Any]:
        with lock:
            return {"status": "ok", "in_flight": state["in_flight"], "served": state["served"],
                    "max_batch": max_batch, "max_queue": max_queue, "max_request_bytes": max_request_bytes,
                    "item_seconds": chosen.config.item_seconds}

    # Answers are plain JSON already: JSONResponse skips FastAPI's slow generic encoder.
    @app.post("/verify")
    async def verify_one(item: Item) -> JSONResponse:
        return JSONResponse((await run([item.task], [item.completion]))[0])

    @app.post("/verify_batch")
    async def verify_many(batch: Batch) -> JSONResponse:
        verdicts = await run([i.task for i in batch.items], [i.completion for i in batch.items])
        return JSONResponse({"verdicts": verdicts})

    @app.post("/get_reward")
    async def get_reward(request: RemoteReward) -> JSONResponse:
        if request.prompts is not None and len(request.prompts) != len(request.query):
            raise HTTPException(422, f"{len(request.query)} queries but {len(request.prompts)} prompts")
        if len(request.labels) != len(request.query):
            raise HTTPException(422, f"{len(request.query)} queries but {len(request.labels)} labels: "
                                     f"each label is its query's task")
        admit(len(request.query))
        try:
            async with gate:
                return JSONResponse(await run_in_threadpool(openrlhf_rewards, chosen, request.query,
                                                            request.prompts, request.labels))
        finally:
            release(len(request.query))

    return BodyLimit(app, max_request_bytes)


def serve(host: str = "127.0.0.1", port: int = 8000, *, config: RewardConfig | dict[str, Any] | None = None,
          max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES, max_batch: int = DEFAULT_MAX_BATCH,
          max_queue: int = DEFAULT_MAX_QUEUE, log_level: str = "warning", warm_up: bool = True) -> None:
    """Run the service until interrupted (one process; its verifier's pool does the parallel work).
    With `warm_up`, every worker imports the provers before the port opens."""
    import uvicorn

    verifier = Verifier(config)
    if warm_up:
        verifier.warm_up()
    app = create_app(verifier, max_request_bytes=max_request_bytes, max_batch=max_batch, max_queue=max_queue)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
