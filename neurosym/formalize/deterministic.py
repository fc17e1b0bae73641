"""The deterministic stories' equations ("We know that A causes B, B and C together cause D.") read into SCM.

CLadder's det-counterfactual rows and CounterBench are one story family: CLadder's generator states each
structural equation as a sentence (its templates: "{X1} causes {V2}", "{X1} and {V21} causes {Y1}",
"{V11} causes {X1} and {V31}", a value-0 noun for a negated effect), and CounterBench writes the same
sentences over nonsense names, in one comma-separated list, with "not" on literals ("A or not B causes
C": "not" binds to the literal after it). This module reads the statements and writes the SCM program;
what a term is (a name, or one of CLadder's noun phrases) is the caller's `term` function, and how a
term becomes a variable is the caller's business too. A statement outside the patterns is an error that
quotes it, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

NAME = r"[A-Za-z][A-Za-z0-9_]*"
KEYWORDS = {"and", "or", "not", "together", "cause", "causes"}

READINGS = ("dataset", "strict")
"""How a story's text is read: the dataset generator's meaning (the default), or word for word/textbook."""

Literal = tuple[str, bool]
"""(term, positive): "A" is ("A", True), "not A" is ("A", False)."""

Term = Callable[[str, str], str]
"""term(text, sentence) -> the term's text, or UnreadableStory naming the sentence."""


class UnreadableStory(ValueError):
    """A statement outside the deterministic stories' patterns; the message quotes it."""


def check_reading(reading: str) -> str:
    """The reading, or a ValueError naming the readings there are.

    >>> check_reading("loose")
    Traceback (most recent call last):
    ...
    ValueError: unknown reading 'loose' of a deterministic story (choose from dataset, strict)
    """
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r} of a deterministic story (choose from {', '.join(READINGS)})")
    return reading


@dataclass(frozen=True)
class Mechanism:
    """One structural equation as stated: effect := [not] (causes joined by `joiner`).

    `statement` numbers the "X causes ..." statement it came from: one statement with several effects
    ("A causes B and C") gives several mechanisms with the same number.
    """

    effect: str
    positive: bool
    joiner: str
    causes: tuple[Literal, ...]
    statement: int

    def expression(self, ident: Mapping[str, str]) -> str:
        """The SCM expression of the effect, naming each term by `ident[term]`.

        >>> Mechanism("C", False, "or", (("A", True), ("B", False)), 0).expression({"A": "a", "B": "b"})
        'not (a or not b)'
        """
        body = f" {self.joiner} ".join(ident[t] if positive else f"not {ident[t]}" for t, positive in self.causes)
        return body if self.positive else f"not ({body})"


def name_term(text: str, sentence: str) -> str:
    """A CounterBench term: one name (no keyword)."""
    text = text.strip()
    if not re.fullmatch(NAME, text) or text in KEYWORDS:
        raise UnreadableStory(f"cannot read {text!r} as a variable or 'not' variable in {sentence!r}")
    return text


def phrase_term(text: str, sentence: str) -> str:
    """A CLadder term: a noun phrase ("alarm set by husband"), lower-cased; empty or bare keywords refused."""
    text = re.sub(r"\s+", " ", text.strip()).lower()
    if not text or not re.search(r"[a-z0-9]", text) or text in KEYWORDS:
        raise UnreadableStory(f"cannot read {text!r} as a noun phrase in {sentence!r}")
    return text


def _literal(text: str, sentence: str, term: Term) -> Literal:
    text = text.strip()
    match = re.match(r"^not\s+(.+)$", text)
    return (term(match.group(1), sentence), False) if match else (term(text, sentence), True)


def _literals(text: str, sentence: str, term: Term) -> list[Literal]:
    """A list of literals: "A, B, and not C" or "A and B"."""
    parts = [p for chunk in text.split(",") for p in re.split(r"\s+and\s+|^\s*and\s+", chunk) if p.strip()]
    if not parts:
        raise UnreadableStory(f"no effect named in {sentence!r}")
    return [_literal(p, sentence, term) for p in parts]


def _cause(text: str, sentence: str, term: Term) -> tuple[str, tuple[Literal, ...]]:
    """(joiner, literals) of a cause: "A", "not A", "A and B together", "A or not B"."""
    text = re.sub(r"\s+together\s*$", "", text.strip())
    has_and, has_or = bool(re.search(r"\s+and\s+", text)), bool(re.search(r"\s+or\s+", text))
    if has_and and has_or:
        raise UnreadableStory(f"cause {text!r} mixes 'and' and 'or' in {sentence!r}")
    joiner = "or" if has_or else "and"
    return joiner, tuple(_literal(p, sentence, term) for p in re.split(rf"\s+{joiner}\s+", text))


def _statements(sentence: str, first: int, term: Term) -> list[Mechanism]:
    """The mechanisms of one sentence: "A causes B, C causes D, and E and F together cause G"."""
    segments = re.split(r"\s+(?:causes|cause)\s+", sentence)
    if len(segments) < 2:
        raise UnreadableStory(f"no 'causes' statement in {sentence!r}")
    joiner, causes = _cause(segments[0], sentence, term)
    out: list[Mechanism] = []
    for index, segment in enumerate(segments[1:], start=1):
        if index == len(segments) - 1:
            effects_text, next_cause = segment, None
        else:
            pieces = segment.split(",")
            if len(pieces) < 2:
                raise UnreadableStory(
                    f"cannot tell where one statement ends and the next begins in {segment!r} of {sentence!r}"
                )
            effects_text, next_cause = ",".join(pieces[:-1]), re.sub(r"^\s*and\s+", "", pieces[-1])
        number = first + index - 1
        effects = _literals(effects_text, sentence, term)
        out += [Mechanism(t, positive, joiner, causes, number) for t, positive in effects]
        if next_cause is not None:
            joiner, causes = _cause(next_cause, sentence, term)
    return out


def read_mechanisms(text: str, term: Term = name_term) -> list[Mechanism]:
    """Every structural equation the "We know that ..." text states, in order.

    Sentences may be separate ("We know that A causes B. A and B causes C.") or joined ("..., and we know
    that B causes C"); CounterBench lists statements with commas.

    >>> [(m.effect, m.expression({"A": "A", "B": "B"})) for m in read_mechanisms(
    ...     "We know that A causes not B, and A or not B causes C.")]
    [('B', 'not (A)'), ('C', 'A or not B')]
    """
    body = re.sub(r",?\s+and we know that\s+", ". ", text.strip(), flags=re.IGNORECASE)
    mechanisms: list[Mechanism] = []
    for sentence in re.split(r"\.\s+", body):
        sentence = re.sub(r"^We know that\s+", "", sentence.strip(), flags=re.IGNORECASE).rstrip(".").strip()
        if sentence:
            first = 1 + max((m.statement for m in mechanisms), default=-1)
            mechanisms += _statements(sentence, first, term)
    if not mechanisms:
        raise UnreadableStory(f"no 'causes' statement in {text.strip()!r}")
    return mechanisms


def literals(text: str, sentence: str, term: Term = name_term) -> list[Literal]:
    """A list of literals ("A, not B and C"): observations, interventions."""
    return _literals(text, sentence, term)


def scm_model(equations: Mapping[str, str], variables: Iterable[str]) -> str:
    """SCM source: a Boolean exogenous variable for each name no equation defines, then the equations.

    >>> print(scm_model({"B": "A"}, ["A", "B"]), end="")
    exogenous A : bool
    endogenous B := A
    """
    lines = [f"exogenous {name} : bool" for name in sorted(set(variables) - set(equations))]
    lines += [f"endogenous {effect} := {expression}" for effect, expression in equations.items()]
    return "\n".join(lines) + "\n"


def value_query(target: str, do: Iterable[Literal], given: Iterable[Literal] = (), asked: bool = True) -> str:
    """`query value ...`: whether the target (or, when `asked` is False, its negation) holds under do(...).

    >>> value_query("Y", [("X", False), ("Z", True)], [("W", False)], asked=False)
    'query value not Y do(X = false, Z = true) given not W'
    """
    query = f"query value {'' if asked else 'not '}{target}"
    do = list(do)
    if do:
        query += f" do({', '.join(f'{n} = {str(v).lower()}' for n, v in do)})"
    given = list(given)
    if given:
        query += " given " + " and ".join(n if v else f"not {n}" for n, v in given)
    return query
