"""Lark grammars as decoding constraints through llguidance: compile once, one fresh matcher per sequence.

The same grammars/<language>.lark text that Lark parses with is handed to llguidance, with one addition:
`%llguidance {"allow_initial_skip": true}` in front, so that a completion may start with whitespace or a
comment the grammar `%ignore`s (llguidance refuses them at the very start otherwise, and Lark refuses the
directive, so it is added here and never written into the grammar files).

Pitfalls this module exists to contain (measured, see docs/llm.md): llguidance never raises for grammar
errors or for a token it cannot take; the matcher enters an error state and only end-of-sequence is then
allowed. So every compile is validated up front (`GrammarError` naming the grammar and the rule), every mask
fill is followed by `is_error()`, and every sequence starts from a copy of a freshly built matcher
(`reset()` does not clear an error).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from neurosym.llm.base import GrammarError, LLMError

if TYPE_CHECKING:
    import llguidance
    import torch

INITIAL_SKIP = '%llguidance { "allow_initial_skip": true }\n'
GRAMMAR_NAMES = ("fol", "prolog", "pddl", "scm")


def _llguidance() -> Any:
    try:
        import llguidance
    except ImportError as e:  # pragma: no cover - llguidance is in the llm and test extras
        raise LLMError("grammar-constrained decoding needs llguidance: pip install 'neurosym[llm]'") from e
    return llguidance


@cache
def _known_grammars() -> dict[str, str]:
    from neurosym.resources import grammar_text

    known = {}
    for name in GRAMMAR_NAMES:
        try:
            known[grammar_text(name)] = name
        except OSError:  # pragma: no cover - a grammar file removed from a checkout
            continue
    return known


def resolve_grammar(grammar: str) -> tuple[str, str]:
    """(name, Lark text) of a grammar given as its text or as the name of a file in grammars/.

    The name is only for messages: a shipped grammar's name, else "custom grammar <hash>".

    Examples:
        >>> name, text = resolve_grammar("fol")
        >>> name, text.count("start:")
        ('fol', 1)
        >>> resolve_grammar('start: "a"')[0].startswith("custom grammar")
        True
    """
    if not isinstance(grammar, str) or not grammar.strip():
        raise GrammarError("grammar must be the non-empty text of a Lark grammar (or a name in grammars/)")
    if "\n" not in grammar and ":" not in grammar:
        from neurosym.resources import grammar_path

        if not grammar_path(grammar).is_file():
            raise GrammarError(f"no grammar named {grammar!r} in grammars/ (known: {', '.join(GRAMMAR_NAMES)})")
        from neurosym.resources import grammar_text

        return grammar, grammar_text(grammar)
    name = _known_grammars().get(grammar)
    if name is None:
        name = "custom grammar " + hashlib.sha256(grammar.encode()).hexdigest()[:8]
    return name, grammar


def llguidance_text(lark_text: str) -> str:
    """The grammar as llguidance should read it: Lark text with initial skip of %ignore'd text allowed."""
    return lark_text if lark_text.lstrip().startswith("%llguidance") else INITIAL_SKIP + lark_text


@dataclass
class CompiledGrammar:
    """A grammar compiled against one tokenizer; `matcher()` hands out fresh matchers (deep copies)."""

    name: str
    lark_text: str
    _prototype: llguidance.LLMatcher

    def matcher(self) -> llguidance.LLMatcher:
        return self._prototype.deep_copy()


# llguidance's default of 50,000 Earley items per mask is too few for Prolog with a 131k-token vocabulary:
# where a term may start, nearly every token is allowed and each punctuation token ("([", "'),") pushes
# rows through the ten precedence levels; after the grammar was reshaped (grammars/prolog.lark, issue 17)
# such masks still take 60k-125k items (docs/llm.md). A ceiling of 400,000 keeps a runaway grammar bounded.
STEP_MAX_ITEMS = 400_000


def default_limits() -> llguidance.LLParserLimits:
    """Parser limits: llguidance's defaults, a higher item ceiling per mask, verbose errors (so an error
    names what went wrong)."""
    return _llguidance().LLParserLimits(step_max_items=STEP_MAX_ITEMS, verbose_errors=True)


def compile_grammar(grammar: str, tokenizer: llguidance.LLTokenizer | None = None,
                    limits: llguidance.LLParserLimits | None = None) -> CompiledGrammar:
    """Validate and compile a grammar for `tokenizer`; raise `GrammarError` naming grammar and rule.

    Without a tokenizer only validation is possible; then the returned object has no prototype matcher.
    """
    ll = _llguidance()
    name, lark_text = resolve_grammar(grammar)
    try:
        serialized = ll.grammar_from("lark", llguidance_text(lark_text))
    except (ValueError, RuntimeError) as e:
        raise GrammarError(f"{name}: llguidance cannot read the grammar: {e}") from e
    limits = limits or default_limits()
    is_error, messages = ll.LLMatcher.validate_grammar_with_warnings(serialized, tokenizer, limits=limits)
    if is_error:
        message = messages[0] if messages else "unknown error"
        raise GrammarError(f"{name}: llguidance cannot compile the grammar: {_shift_lines(message)}")
    prototype = None
    if tokenizer is not None:
        prototype = ll.LLMatcher(tokenizer, serialized, log_level=0, limits=limits)
        if prototype.is_error():
            raise GrammarError(f"{name}: llguidance cannot compile the grammar: {prototype.get_error()}")
    return CompiledGrammar(name, lark_text, prototype)


def _shift_lines(message: str) -> str:
    """llguidance counts lines in the text it was given, which has the one-line directive prepended."""
    import re

    def shift(m: re.Match[str]) -> str:
        return f"line {int(m.group(1)) - 1}, column {m.group(2)}"

    message = re.sub(r"^at (\d+)\((\d+)\)", shift, message.strip())
    return message


def apply_bitmask(logits: torch.Tensor, bitmask: torch.Tensor) -> None:
    """Set the logits of tokens the packed bitmask forbids to -inf, in place, with plain torch ops.

    `bitmask` is llguidance's int32 layout (bit j of word w allows token 32*w + j), one row per logits row.
    llguidance.torch.apply_token_bitmask_inplace does the same through torch.compile, which needs a C
    compiler and 15-22 s on its first call; unpacking with shifts costs a few microseconds per row here.
    Tokens past the mask's width (a model vocabulary larger than the tokenizer's) are forbidden.
    """
    import torch

    rows, vocab = logits.shape
    mask = bitmask.to(logits.device, non_blocking=True)
    shifts = torch.arange(32, device=logits.device, dtype=torch.int32)
    allowed = ((mask.unsqueeze(-1) >> shifts) & 1).bool().reshape(rows, -1)
    width = min(vocab, allowed.shape[1])
    logits[:, :width].masked_fill_(~allowed[:, :width], float("-inf"))
    if vocab > width:
        logits[:, width:] = float("-inf")


def allowed_tokens(bitmask_row: torch.Tensor, vocab: int) -> list[int]:
    """Token ids one bitmask row allows (for tests and debugging)."""
    import torch

    logits = torch.zeros(1, vocab)
    apply_bitmask(logits, bitmask_row.reshape(1, -1))
    return torch.nonzero(logits[0] == 0).flatten().tolist()


def matcher_accepts(compiled: CompiledGrammar, tokens: Sequence[int]) -> bool:
    """Does a fresh matcher take all of `tokens` and then accept?"""
    matcher = compiled.matcher()
    return matcher.consume_tokens(list(tokens)) and matcher.is_accepting()
