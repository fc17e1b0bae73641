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
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
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
    _tokenizer: llguidance.LLTokenizer | None = field(default=None, repr=False)
    _exits: dict[tuple[bytes, bytes], tuple[int, ...]] = field(default_factory=dict, repr=False)

    def matcher(self) -> llguidance.LLMatcher:
        return self._prototype.deep_copy()

    @cached_property
    def closing_ids(self) -> tuple[int, ...]:
        """Ids of the tokenizer's closing tokens for this grammar (see `closing_token_ids`), found once."""
        return closing_token_ids(self.lark_text, self._need_tokenizer())

    @cached_property
    def enclosures(self) -> Enclosures:
        """The grammar's comments and quoted strings (see `Enclosures`)."""
        return Enclosures.of(self.lark_text)

    @cached_property
    def idle_ids(self) -> tuple[int, ...]:
        """Ids of the tokens that never bring a sentence nearer its end: whitespace only, or opening a comment."""
        tokenizer, openers = self._need_tokenizer(), self.enclosures.openers
        return tuple(i for i in range(tokenizer.vocab_size) if not tokenizer.is_special_token(i) and (
            not (text := tokenizer.decode_bytes([i])).strip() or any(o in text for o in openers)))

    def exit_ids(self, closer: bytes, unread: bytes = b"") -> tuple[int, ...]:
        """Ids of the tokens that write `closer` after the `unread` start of it (the way out of a comment or
        quoted string), or that start a closer of several bytes: a small vocabulary may have no "*/" token.
        Every (closer, unread) state of the grammar is found in one pass over the vocabulary, on first use."""
        if not self._exits:
            tokenizer = self._need_tokenizer()
            states = {(c, c[:k]) for _, c in self.enclosures.pairs for k in range(len(c))}
            found: dict[tuple[bytes, bytes], list[int]] = {state: [] for state in states}
            for i in range(tokenizer.vocab_size):
                if tokenizer.is_special_token(i):
                    continue
                text = tokenizer.decode_bytes([i])
                for (c, unread_start), ids in found.items():
                    if c in unread_start + text or (not unread_start and any(
                            text.endswith(c[:k]) for k in range(1, len(c)))):
                        ids.append(i)
            self._exits.update((state, tuple(ids)) for state, ids in found.items())
        return self._exits.get((closer, unread), ())

    def prepare_wind_down(self) -> None:
        """Find the token sets the wind-down uses (a few passes over the vocabulary, about a second at 131k
        tokens), so that the first constrained generate call does not pay for it."""
        _ = self.closing_ids, self.idle_ids
        self.exit_ids(b"")

    def _need_tokenizer(self) -> llguidance.LLTokenizer:
        if self._tokenizer is None:
            raise LLMError(f"{self.name}: compiled without a tokenizer, so its tokens are unknown")
        return self._tokenizer


def closing_literals(lark_text: str) -> frozenset[str]:
    """The literal strings that end a construct of the grammar: the last symbol of a rule alternative of
    two or more symbols, when it is a string ("." after a Prolog clause, ")" after arguments, "]", "}").

    Writing one of them, where the grammar allows it, brings a sample nearer to a whole sentence; the
    wind-down of `hf.GrammarProcessor` favours them near the end of a sample's budget.

    Examples:
        >>> sorted(closing_literals('start: "(" start ")" | "x" | "[" "]"'))
        [')', ']']
        >>> sorted(closing_literals(resolve_grammar("prolog")[1]))
        [')', '.', ']', '}']
    """
    import lark

    parser = lark.Lark(lark_text, start="start", parser="earley")
    literals = {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    return frozenset(literals[rule.expansion[-1].name] for rule in parser.rules
                     if len(rule.expansion) >= 2 and rule.expansion[-1].name in literals)


@dataclass(frozen=True)
class Enclosures:
    r"""A grammar's traps for a sample that should end: comments and quoted strings, as (opener, closer) byte
    pairs. Inside one nearly every token is allowed and only its closer gets out, so the wind-down of
    `hf.GrammarProcessor` favours the closer there, and counts tokens that open a comment as idle.

    Found from the terminals: line comments the grammar %ignores (/OPENER[^\n]*/, closed by a newline),
    block comments it %ignores (/\\/\\*...\\*\\// style: a two-character opener, closed by its mirror image),
    quoted strings in any terminal (/Q[^Q.../ or /Q([^Q.../ for Q in ' " `, closed by Q, backslash escapes).

    Examples:
        >>> sorted(Enclosures.of(resolve_grammar("prolog")[1]).pairs)  # doctest: +NORMALIZE_WHITESPACE
        [(b'"', b'"'), (b'%', b'\n'), (b"'", b"'"), (b'/*', b'*/'), (b'`', b'`')]
        >>> e = Enclosures(((b"%", b"\n"), (b"'", b"'"), (b"/*", b"*/")))
        >>> e.scan(None, b"p('a\\'b") , e.scan(None, b"p('a') % it's"), e.scan(None, b"a /* b */ c /")
        ((b"'", b''), (b'\n', b''), (None, b'/'))
    """

    pairs: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def of(cls, lark_text: str) -> Enclosures:
        import re

        import lark

        parser = lark.Lark(lark_text, start="start", parser="earley")
        pairs = set()
        for terminal in parser.terminals:
            value, ignored = terminal.pattern.value, terminal.name in parser.ignore_tokens
            line = re.fullmatch(r"((?:\\.|[^\\\[\](){}*+?|.^$])+)\[\^\n\]\*", value)
            block = re.fullmatch(r"\\(\W)\\?(\W).*\\\1", value, re.DOTALL)
            if ignored and line:
                pairs.add((re.sub(r"\\(.)", r"\1", line.group(1)).encode(), b"\n"))
            elif ignored and block:
                pairs.add(((block.group(1) + block.group(2)).encode(), (block.group(2) + block.group(1)).encode()))
            elif terminal.pattern.type == "re":
                pairs.update((q.encode(), q.encode()) for q in re.findall(r"""(['"`])\(?\[\^\1""", value))
        return cls(tuple(sorted(pairs)))

    @property
    def openers(self) -> tuple[bytes, ...]:
        """Openers of comments (not of quoted strings, which are terms)."""
        return tuple(opener for opener, closer in self.pairs if opener != closer)

    def scan(self, closer: bytes | None, text: bytes) -> tuple[bytes | None, bytes]:
        """Read `text` on from a state (the closer awaited, or None); return the new state and the unread
        tail: the last bytes when they may be the start of an opener or closer split across tokens."""
        markers = [closer] if closer else [opener for opener, _ in self.pairs]
        i = 0
        while i < len(text):
            rest = text[i:]
            if any(len(rest) < len(m) and m.startswith(rest) for m in markers):
                return closer, rest
            if closer is not None:
                if rest[:1] == b"\\" and len(closer) == 1 and closer != b"\n":
                    i += 1
                elif rest.startswith(closer):
                    i += len(closer) - 1
                    closer, markers = None, [opener for opener, _ in self.pairs]
            else:
                found = next(((o, c) for o, c in self.pairs if rest.startswith(o)), None)
                if found:
                    i += len(found[0]) - 1
                    closer, markers = found[1], [found[1]]
            i += 1
        return closer, b""


def closing_token_ids(lark_text: str, tokenizer: llguidance.LLTokenizer) -> tuple[int, ...]:
    """Ids of the tokens whose text, stripped of whitespace, is one or more closing literals in a row
    (")", ")).", ".\\n"), except those that spell another terminal of the grammar (Prolog's ".." operator);
    the mask still decides, step by step, which of them are allowed."""
    import re

    import lark

    literals = closing_literals(lark_text)
    wanted = sorted((lit.encode() for lit in literals if lit), key=len, reverse=True)
    parser = lark.Lark(lark_text, start="start", parser="earley")
    others = [re.compile(t.pattern.to_regexp()) for t in parser.terminals if t.pattern.value not in literals]

    def closes(text: bytes) -> bool:
        return any(text.startswith(lit) and (len(lit) == len(text) or closes(text[len(lit):]))
                   for lit in wanted)

    def spells_another(text: bytes) -> bool:
        decoded = text.decode("utf-8", errors="replace")
        return any(pattern.fullmatch(decoded) for pattern in others)

    return tuple(i for i in range(tokenizer.vocab_size)
                 if not tokenizer.is_special_token(i) and (text := tokenizer.decode_bytes([i]).strip())
                 and closes(text) and not spells_another(text))


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
    return CompiledGrammar(name, lark_text, prototype, tokenizer)


def _shift_lines(message: str) -> str:
    """llguidance counts lines in the text it was given, which has the one-line directive prepended."""
    import re

    def shift(m: re.Match[str]) -> str:
        return f"line {int(m.group(1)) - 1}, column {m.group(2)}"

    message = re.sub(r"^at (\d+)\((\d+)\)", shift, message.strip())
    return message


def apply_bitmask(logits: torch.Tensor, bitmask: torch.Tensor) -> None:
    """Set the logits of tokens the packed bitmask forbids to -inf, in place, with plain torch/numpy ops.

    `bitmask` is llguidance's int32 layout (bit j of word w allows token 32*w + j), one row per logits row.
    llguidance.torch.apply_token_bitmask_inplace does the same through torch.compile, which needs a C
    compiler and 15-22 s on its first call. On CPU the bits are unpacked by numpy (`unpackbits`, one pass
    over bytes, no int32 intermediate: half the time of torch shifts with a 131k vocabulary, which matters
    because it runs once per decoding step); on a GPU with torch shifts, on the device.
    Tokens past the mask's width (a model vocabulary larger than the tokenizer's) are forbidden.
    """
    import torch

    rows, vocab = logits.shape
    width = min(vocab, bitmask.shape[1] * 32)
    if logits.device.type == "cpu":
        import numpy as np

        packed = np.ascontiguousarray(bitmask[:rows].numpy()).view(np.uint8)
        forbidden = np.unpackbits(np.invert(packed), axis=-1, count=width, bitorder="little")
        logits[:, :width].masked_fill_(torch.from_numpy(forbidden).view(torch.bool), float("-inf"))
    else:
        mask = bitmask.to(logits.device, non_blocking=True)
        shifts = torch.arange(32, device=logits.device, dtype=torch.int32)
        allowed = ((mask.unsqueeze(-1) >> shifts) & 1).bool().reshape(rows, -1)
        logits[:, :width].masked_fill_(~allowed[:, :width], float("-inf"))
    if vocab > width:
        logits[:, width:] = float("-inf")


def shift_share(logits: torch.Tensor, rows: Sequence[int], ids: Sequence[int], share: float, *,
                floor: bool = True, temperature: float = 1.0, totals: torch.Tensor | None = None) -> None:
    """Move, in place, the probability softmax(logits / temperature) gives the tokens `ids` in each of `rows`
    to at least `share` (`floor`) or at most `share` (not `floor`), keeping the odds among those tokens and
    among the others; the temperature is the one the sampler applies afterwards.

    A floor or a cap, not a bonus: it does not depend on the logits' scale or the vocabulary's size, and it
    leaves a row alone where the model is already inside the bound or where one side has no allowed token.
    A floor of 1 forbids every other token; a cap of 0 forbids `ids`. Works on the few columns in `ids` and
    one log-sum-exp per row, so it costs little beside the sampling itself; `totals` (one per row of `logits`:
    the log-sum-exp of logits / temperature), when given, saves even that pass and is kept up to date.

    Examples:
        >>> import torch
        >>> logits = torch.tensor([[0.0, 0.0, 0.0, 0.0], [5.0, 0.0, float("-inf"), 0.0]])
        >>> shift_share(logits, [0, 1], [0], 0.5)
        >>> [round(p, 3) for p in logits.softmax(-1)[:, 0].tolist()]  # 0.25 raised; 0.987 left alone
        [0.5, 0.987]
        >>> shift_share(logits, [0, 1], [0], 0.1, floor=False)
        >>> [round(p, 3) for p in logits.softmax(-1)[:, 0].tolist()]
        [0.1, 0.1]
    """
    import torch

    if not rows or not ids or (floor and share <= 0) or (not floor and share >= 1):
        return
    where = torch.tensor(list(rows), device=logits.device).unsqueeze(-1)
    columns = torch.tensor(list(ids), device=logits.device)
    picked = logits[where, columns]
    at = where.squeeze(-1)
    total = (logits[at] / temperature).logsumexp(-1) if totals is None else totals[at]
    inside = (picked / temperature).logsumexp(-1)
    outside = total + torch.log1p(-torch.exp((inside - total).clamp(max=0)))
    movable = torch.isfinite(inside) & torch.isfinite(outside)
    if floor and share >= 1:
        keep = where.squeeze(-1)[movable]
        logits[keep] = float("-inf")
        logits[keep.unsqueeze(-1), columns] = picked[movable]
        total = torch.where(movable, inside, total)
    elif not floor and share <= 0:
        logits[where[movable], columns] = float("-inf")
        total = torch.where(movable, outside, total)
    else:
        lift = math.log(share / (1 - share)) - (inside - outside)
        lift = lift.clamp(min=0) if floor else lift.clamp(max=0)
        lift = torch.where(movable, lift, torch.zeros_like(lift))
        logits[where, columns] = picked + (lift * temperature).unsqueeze(-1)
        total = torch.where(movable, torch.logaddexp(outside, inside + lift), total)
    if totals is not None:
        totals[where.squeeze(-1)] = total


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
