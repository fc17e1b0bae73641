"""`openai:MODEL@BASE_URL` — any OpenAI-compatible server: `vllm serve`, SGLang, llama.cpp's server, a hosted API.

The grammar travels the way vLLM's server takes it: `"structured_outputs": {"grammar": LARK_TEXT}` (start
vLLM with the `guidance` structured-outputs backend: with `auto` a Lark grammar may be routed to a backend
that mangles it). A server that rejects the request with that field (HTTP 400/422) is asked again without
it, and from then on this client sends unconstrained requests: such completions say `constrained=False`.
A server that silently ignores the field cannot be told apart here; that is the server's word.

Faults stay per prompt: timeouts (connect, read) and 429/5xx are retried with exponential backoff, then the
prompt's completions are errors; malformed JSON is an error at once. At most `max_concurrency` requests are
in flight. The API key is read from the environment variable named by `api_key_env` (default
OPENAI_API_KEY) and is never written into results, errors or logs.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from neurosym.llm.base import Completion, LLMError, check_request
from neurosym.llm.constraint import resolve_grammar

RETRY_STATUSES = {408, 409, 429, 500, 502, 503, 504}
REJECT_STATUSES = {400, 404, 415, 422}
FINISH = {"stop": "stop", "eos": "stop", "end_turn": "stop", "length": "length", "max_tokens": "length"}


class ServerError(Exception):
    """One failed request, with whether trying again may help."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status


class OpenAIClient:
    """Options: api ("chat" | "completions"), timeout (seconds per request), connect_timeout, retries,
    backoff (first retry delay, doubled each time), max_concurrency, api_key_env."""

    def __init__(self, model: str, base_url: str, *, spec: str | None = None, api: str = "chat",
                 timeout: float = 120.0, connect_timeout: float = 10.0, retries: int = 2, backoff: float = 1.0,
                 max_concurrency: int = 8, api_key_env: str = "OPENAI_API_KEY") -> None:
        try:
            import httpx
        except ImportError as e:
            raise LLMError("the OpenAI-compatible client needs httpx: pip install 'neurosym[llm]'") from e
        if api not in ("chat", "completions"):
            raise LLMError(f"api must be 'chat' or 'completions', got {api!r}")
        if not base_url.startswith(("http://", "https://")):
            raise LLMError(f"base URL must start with http:// or https://, got {base_url!r}")
        self.spec = spec or f"openai:{model}@{base_url}"
        self.model = model
        self.url = base_url.rstrip("/") + ("/chat/completions" if api == "chat" else "/completions")
        self.api = api
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_concurrency = max(1, int(max_concurrency))
        self.grammar_supported = True
        self._lock = threading.Lock()
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._http = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=connect_timeout),
                                  limits=httpx.Limits(max_connections=self.max_concurrency))

    def __repr__(self) -> str:
        return f"OpenAIClient({self.spec!r})"

    def generate(self, prompts: Sequence[str], *, grammar: str | None = None, n: int = 1,
                 temperature: float = 1.0, max_tokens: int = 512, stop: list[str] | None = None,
                 seed: int | None = None) -> list[list[Completion]]:
        check_request(prompts, n, temperature, max_tokens)
        lark_text = resolve_grammar(grammar)[1] if grammar is not None else None
        def one(prompt: str) -> list[Completion]:
            return self._prompt(str(prompt), lark_text, n, temperature, max_tokens, stop, seed)
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, max(1, len(prompts)))) as pool:
            return list(pool.map(one, prompts))

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------------------------------ internals

    def _prompt(self, prompt: str, lark_text: str | None, n: int, temperature: float, max_tokens: int,
                stop: list[str] | None, seed: int | None) -> list[Completion]:
        completions: list[Completion] = []
        started = time.perf_counter()
        for _ in range(n):  # a server that ignores n (llama.cpp) is asked again for the rest
            want = n - len(completions)
            if want <= 0:
                break
            body: dict[str, Any] = {"model": self.model, "n": want, "temperature": temperature,
                                    "max_tokens": max_tokens}
            if self.api == "chat":
                body["messages"] = [{"role": "user", "content": prompt}]
            else:
                body["prompt"] = prompt
            if seed is not None:
                body["seed"] = seed + len(completions)
            if stop and lark_text is None:
                body["stop"] = stop
            constrained = lark_text is not None and self.grammar_supported
            if constrained:
                body["structured_outputs"] = {"grammar": lark_text}
            try:
                reply, constrained = self._post(body, constrained)
            except ServerError as e:
                seconds = time.perf_counter() - started
                failed = Completion.failed(f"{self.spec}: {e}", seconds=seconds, constrained=constrained)
                return completions + [failed] * want
            got = self._completions(reply, constrained, time.perf_counter() - started, want)
            if not got:
                seconds = time.perf_counter() - started
                return completions + [Completion.failed(f"{self.spec}: the reply holds no choices",
                                                        seconds=seconds)] * want
            completions += got
        return completions[:n]

    def _post(self, body: dict[str, Any], constrained: bool) -> tuple[dict[str, Any], bool]:
        """POST with retries; a rejected structured_outputs field is dropped once and remembered."""
        try:
            return self._post_with_retries(body), constrained
        except ServerError as e:
            if not (constrained and e.status in REJECT_STATUSES):
                raise
        plain = {k: v for k, v in body.items() if k != "structured_outputs"}
        reply = self._post_with_retries(plain)
        with self._lock:
            self.grammar_supported = False
        return reply, False

    def _post_with_retries(self, body: dict[str, Any]) -> dict[str, Any]:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return self._post_once(body)
            except ServerError as e:
                if not e.retry or attempt == self.retries:
                    if attempt:
                        raise ServerError(f"{e} (after {attempt + 1} attempts)", retry=False,
                                          status=e.status) from e
                    raise
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(self, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        try:
            response = self._http.post(self.url, json=body)
        except httpx.TimeoutException as e:
            raise ServerError(f"timed out talking to {self.url} ({type(e).__name__})", retry=True) from e
        except httpx.TransportError as e:
            raise ServerError(f"cannot reach {self.url}: {type(e).__name__}: {e}", retry=True) from e
        if response.status_code != 200:
            detail = response.text[:300].strip()
            raise ServerError(f"HTTP {response.status_code} from {self.url}: {detail}",
                              retry=response.status_code in RETRY_STATUSES, status=response.status_code)
        try:
            reply = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ServerError(f"malformed JSON from {self.url}: {e}", retry=False) from e
        if not isinstance(reply, dict):
            raise ServerError(f"malformed reply from {self.url}: a JSON object was expected", retry=False)
        return reply

    def _completions(self, reply: dict[str, Any], constrained: bool, seconds: float,
                     want: int) -> list[Completion]:
        choices = reply.get("choices")
        if not isinstance(choices, list):
            return []
        usage = reply.get("usage") if isinstance(reply.get("usage"), dict) else {}
        prompt_tokens = usage.get("prompt_tokens")
        completion_tokens = usage.get("completion_tokens") if len(choices) == 1 else None
        out = []
        for choice in choices[:want]:
            if not isinstance(choice, dict):
                continue
            if self.api == "chat":
                message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
                text = message.get("content")
            else:
                text = choice.get("text")
            raw = choice.get("finish_reason")
            finish = FINISH.get(raw, "error")
            if not isinstance(text, str):
                out.append(Completion.failed("the reply's choice holds no text", seconds=seconds,
                                             constrained=constrained))
                continue
            error = None if finish != "error" else f"server finish_reason {raw!r}"
            out.append(Completion(text, prompt_tokens, completion_tokens, finish, seconds, constrained, error))
        return out
