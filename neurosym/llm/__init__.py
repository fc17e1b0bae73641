"""Model clients behind one small protocol, with grammar-constrained decoding (the seam the formalizer uses).

The protocol (stable; everything above `neurosym.llm` depends on these names only):

    client = load_model(spec, **options)            # spec strings below; options per client
    rows = client.generate(prompts, *, grammar=None, n=1, temperature=1.0, max_tokens=512,
                           stop=None, seed=None)    # -> list[list[Completion]]
    client.close()

- `prompts`: a list of `str`. A `Prompt(text, id=PROBLEM_ID)` is a `str` that also carries the problem's
  id; only the replay client needs it (it looks recorded completions up by id), the others read the text.
- One list of exactly `n` `Completion`s per prompt, in prompt order.
- `Completion(text, prompt_tokens, completion_tokens, finish_reason, seconds, constrained, error)`;
  finish_reason is "stop" (ended by the model / the grammar), "length" (cut at max_tokens: under a grammar
  usually not a sentence) or "error" (`error` says why). Token counts are None where unknown.
- `grammar`: the text of a Lark grammar (grammars/<language>.lark or a per-problem variant), or the bare
  name of one in grammars/ ("fol"). When it is given and `constrained` is True, a completion with
  finish_reason "stop" is a sentence of the grammar. Stop strings are not applied under a grammar.
- Faults of one prompt (too long for the context, server down after retries, no recorded completion)
  are error Completions for that prompt; the rest go on. Bad arguments (n < 1, a bad spec, a missing
  model, a grammar llguidance cannot compile) raise `LLMError` (`GrammarError` for grammars).

Spec strings, the same in Python, the CLI and problem files:

    transformers:PATH_OR_NAME   local model; options device, dtype, wind_down, context, batch_size, download
    vllm:PATH_OR_NAME           vLLM offline engine (GPU, extra `vllm`); tensor_parallel_size, data_parallel_size
    openai:MODEL@BASE_URL       any OpenAI-compatible server; api, timeout, retries, max_concurrency, api_key_env
    replay:PATH                 recorded completions, JSON lines {"id": ..., "completions": [...]}

Examples:
    >>> parse_spec("openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1")
    ('openai', 'Qwen/Qwen2.5-7B-Instruct', 'http://127.0.0.1:8000/v1')
    >>> parse_spec("transformers:./models/tiny")
    ('transformers', './models/tiny', None)
"""

from __future__ import annotations

from typing import Any

from neurosym.llm.base import Completion, GrammarError, LLMError, ModelClient, Prompt, prompt_id

KINDS = ("transformers", "vllm", "openai", "replay")
SPEC_FORMS = "transformers:PATH_OR_NAME, vllm:PATH_OR_NAME, openai:MODEL@BASE_URL or replay:PATH"

__all__ = ["KINDS", "Completion", "GrammarError", "LLMError", "ModelClient", "Prompt", "load_model",
           "parse_spec", "prompt_id"]


def parse_spec(spec: str) -> tuple[str, str, str | None]:
    """(kind, model or path, base URL or None) of a spec string; `LLMError` naming the spec if malformed."""
    if not isinstance(spec, str) or ":" not in spec:
        raise LLMError(f"model spec {spec!r} is not one of {SPEC_FORMS}")
    kind, _, rest = spec.partition(":")
    if kind not in KINDS:
        raise LLMError(f"model spec {spec!r}: unknown kind {kind!r}; expected {SPEC_FORMS}")
    if not rest.strip():
        raise LLMError(f"model spec {spec!r} names no model or path after '{kind}:'")
    if kind != "openai":
        return kind, rest, None
    model, at, base_url = rest.rpartition("@")
    if not at or not model or not base_url.startswith(("http://", "https://")):
        raise LLMError(f"model spec {spec!r}: expected openai:MODEL@BASE_URL with an http(s) URL, "
                       "as in openai:my-model@http://127.0.0.1:8000/v1")
    return kind, model, base_url


def load_model(spec: str, **options: Any) -> ModelClient:
    """Build the client a spec string names; options go to that client (see the module docstring)."""
    kind, target, base_url = parse_spec(spec)
    try:
        return _build(spec, kind, target, base_url, options)
    except TypeError as e:
        if "unexpected keyword argument" not in str(e):
            raise
        raise LLMError(f"{spec}: {e}") from e


def _build(spec: str, kind: str, target: str, base_url: str | None, options: dict[str, Any]) -> ModelClient:
    if kind == "transformers":
        from neurosym.llm.hf import TransformersClient

        return TransformersClient.load(target, spec=spec, **options)
    if kind == "vllm":
        from neurosym.llm.vllm_client import VLLMClient

        return VLLMClient(target, spec=spec, **options)
    if kind == "openai":
        from neurosym.llm.openai_client import OpenAIClient

        return OpenAIClient(target, base_url, spec=spec, **options)
    from neurosym.llm.replay import ReplayClient

    if options:
        raise LLMError(f"{spec}: the replay client takes no options, got {', '.join(sorted(options))}")
    return ReplayClient(target, spec=spec)
