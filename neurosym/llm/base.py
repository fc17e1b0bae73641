"""The protocol every model client speaks: prompts in, n completions per prompt out.

Kept small on purpose: the formalizer (and anything else above) depends only on `Prompt`, `Completion`,
`ModelClient` and the two error classes; each client module (transformers, vllm, openai, replay) fills it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, runtime_checkable

FinishReason = Literal["stop", "length", "error"]


class LLMError(Exception):
    """A request that cannot be served at all: bad spec, missing model, bad arguments, missing dependency."""


class GrammarError(LLMError):
    """A grammar that llguidance cannot compile; the message names the grammar and the offending rule."""


class Prompt(str):
    """A prompt string that also carries the id of the problem it was written for.

    It *is* a `str`, so every client takes it where it takes text; only the replay client needs the id
    (recorded completions are looked up by problem id). A plain `str` has no id.

    Examples:
        >>> p = Prompt("Translate: all men are mortal.", id="folio-7")
        >>> p.id, p.upper().startswith("TRANSLATE"), isinstance(p, str)
        ('folio-7', True, True)
        >>> prompt_id("plain text") is None
        True
    """

    id: str | None

    def __new__(cls, text: str, id: str | None = None) -> Prompt:
        self = super().__new__(cls, text)
        self.id = None if id is None else str(id)
        return self

    def __repr__(self) -> str:
        return f"Prompt({str.__repr__(self)}, id={self.id!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Prompt, (str(self), self.id))


def prompt_id(prompt: str) -> str | None:
    """The problem id a prompt carries, or None for a plain string."""
    return getattr(prompt, "id", None)


@dataclass(frozen=True)
class Completion:
    """One sampled completion.

    `finish_reason`: "stop" (the model ended it: end-of-sequence, a stop string, or the grammar allowing
    nothing else), "length" (cut at `max_tokens`: under a grammar it is then usually NOT a sentence), or
    "error" (`error` says why; `text` is what was produced before, often empty). `constrained` is True only
    when the grammar was actually enforced while decoding this completion. Token counts are None where the
    source does not report them (replayed records). `seconds` is the wall time of the request that produced
    it (completions produced together in one batch share it).
    """

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: FinishReason = "stop"
    seconds: float = 0.0
    constrained: bool = False
    error: str | None = None

    @classmethod
    def failed(cls, message: str, *, seconds: float = 0.0, constrained: bool = False,
               prompt_tokens: int | None = None) -> Completion:
        return cls("", prompt_tokens, 0, "error", seconds, constrained, message)

    @property
    def ok(self) -> bool:
        return self.finish_reason != "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class ModelClient(Protocol):
    """What the formalizer calls. One list of `n` completions per prompt, in the order of `prompts`.

    A fault confined to one prompt (prompt longer than the context, server error after retries, no record
    for this id) comes back as `Completion`s with finish_reason "error"; the other prompts go on. Bad
    arguments (`n < 1`, a grammar llguidance cannot compile) raise `LLMError` / `GrammarError` before any
    work. With a `grammar`, `stop` strings are not applied: the grammar decides where the program ends.
    """

    spec: str

    def generate(self, prompts: Sequence[str], *, grammar: str | None = None, n: int = 1,
                 temperature: float = 1.0, max_tokens: int = 512, stop: list[str] | None = None,
                 seed: int | None = None) -> list[list[Completion]]: ...

    def close(self) -> None: ...


def check_request(prompts: Sequence[str], n: int, temperature: float, max_tokens: int) -> None:
    """Refuse bad arguments up front, with the name of the argument (shared by every client)."""
    if isinstance(prompts, str):
        raise LLMError("prompts must be a list of strings, not one string")
    if not all(isinstance(p, str) for p in prompts):
        raise LLMError("every prompt must be a str (or a Prompt)")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise LLMError(f"n must be a positive integer (completions per prompt), got {n!r}")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise LLMError(f"max_tokens must be a positive integer, got {max_tokens!r}")
    if temperature < 0:
        raise LLMError(f"temperature must be >= 0, got {temperature!r}")


def cut_at_stop(text: str, stop: Sequence[str] | None) -> tuple[str, bool]:
    """Cut `text` before the first stop string; say whether one was found.

    Examples:
        >>> cut_at_stop("P(x) ::: gloss\\nQ", ["\\n", ":::"])
        ('P(x) ', True)
        >>> cut_at_stop("P(x)", None)
        ('P(x)', False)
    """
    cut = min((i for s in stop or () if s and (i := text.find(s)) >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)
