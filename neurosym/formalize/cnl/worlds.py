"""The worlds a translation is read in: open (classical FOL), rules (ProofWriter's), closed (Prolog).

The parser gives one set of formulas; the world decides what they mean and so which program they become.
Open: the formulas as they are, printed as FOL. Rules: every negated atom made an atom of its own, so
rules run forwards only. Closed: Horn clauses under negation as failure, in Prolog.
"""

from __future__ import annotations

import re
from typing import Any

from neurosym.formalize.cnl.lexicon import VARIABLE
from neurosym.formalize.cnl.parser import Translation, translate_text
from neurosym.formalize.cnl.sentences import Sentence, quoted
from neurosym.lang.base import Program
from neurosym.lang.fol import Atom, Connective, Formula, Not, Quantified, subformulas, to_text
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError

WORLDS = ("open", "closed", "rules")

PROLOG_RESERVED = {"is", "mod", "rem", "xor", "div", "rdiv", "dynamic", "table", "discontiguous",
                   "initialization", "meta_predicate", "module_transparent", "multifile", "public",
                   "thread_local", "not", "call"}

# ------------------------------------------------------------------------------------------ open world


def translate(text: str, question: str) -> tuple[list[str], str]:
    """Premises and conclusion as FOL text (the open-world route).

    Examples:
        >>> text = "Every wumpus is a tumpus. Wumpuses are not bright. Max is a wumpus."
        >>> premises, conclusion = translate(text, "Is Max bright?")
        >>> premises
        ['∀x (Wumpus(x) → Tumpus(x))', '∀x (Wumpus(x) → ¬Bright(x))', 'Wumpus(max)']
        >>> conclusion
        'Bright(max)'
    """
    translation = translate_text(text, question)
    assert translation.conclusion is not None
    return [to_text(p) for p in translation.premises], to_text(translation.conclusion)


# ---------------------------------------------------------------------------------------- closed world


def _conjuncts(formula: Formula) -> list[Formula]:
    return list(formula.parts) if isinstance(formula, Connective) and formula.op == "and" else [formula]


def to_prolog_clauses(formula: Formula, where: str) -> list[str]:
    """Horn clauses for a fact or rule; anything else is UNSUPPORTED in the closed world."""
    body: list[Formula] = []
    match formula:
        case Quantified("forall", _, Connective("implies", (left, right))) | Connective("implies", (left, right)):
            body = _conjuncts(left)
            heads = _conjuncts(right)
        case Quantified("forall", _, inner):
            heads = _conjuncts(inner)
        case _:
            heads = _conjuncts(formula)
    if not all(isinstance(h, Atom) for h in heads):
        raise ValueError(f"{where}: a negative, disjunctive or existential statement has no closed-world "
                         "(Prolog) form")
    literals = []
    for literal in sorted(body, key=lambda f: isinstance(f, Not)):  # positives first: they bind the variable
        if isinstance(literal, Atom):
            literals.append(_prolog_atom(literal))
        elif isinstance(literal, Not) and isinstance(literal.body, Atom):
            literals.append(f"\\+ {_prolog_atom(literal.body)}")
        else:
            raise ValueError(f"{where}: a condition that is not a list of (negated) facts has no Prolog form")
    suffix = f" :- {', '.join(literals)}." if literals else "."
    clauses = [_prolog_atom(h) + suffix for h in heads]
    return [re.sub(r"\bX\b", "_", c) if len(re.findall(r"\bX\b", c)) == 1 else c for c in clauses]


def _prolog_atom(atom: Atom) -> str:
    name = atom.predicate.lower()
    if name in PROLOG_RESERVED:
        name = f"'{name}'"
    args = [a.name.upper() if a.name == VARIABLE else a.name for a in atom.args]
    return f"{name}({', '.join(args)})" if args else name


def to_prolog(translation: Translation) -> tuple[str, str]:
    """A Prolog program (tabled, so cyclic rules terminate) and query, for the closed-world route.

    Examples:
        >>> program, query = to_prolog(translate_text("Bob is red. Red things are big.", "Is Bob big?"))
        >>> print(program, query, sep="")
        :- table big/1.
        :- dynamic red/1.
        big(X) :- red(X).
        red(bob).
        big(bob)
    """
    clauses: list[str] = []
    for sentence, premise in zip(translation.sentences, translation.premises, strict=True):
        try:
            clauses += to_prolog_clauses(premise, f"sentence {sentence.number} {quoted(sentence.text)}")
        except ValueError as exc:
            raise NeurosymError(ErrorKind.UNSUPPORTED, str(exc), sentence.line, sentence.column) from None
    assert translation.conclusion is not None
    query_parts = []
    for goal in _conjuncts(translation.conclusion):
        if isinstance(goal, Atom):
            query_parts.append(_prolog_atom(goal))
        elif isinstance(goal, Not) and isinstance(goal.body, Atom):
            query_parts.append(f"\\+ {_prolog_atom(goal.body)}")
        else:
            raise NeurosymError(ErrorKind.UNSUPPORTED, "the question has no closed-world (Prolog) form: only "
                                                       "facts and negated facts can be asked", 1, 1)
    signatures: dict[str, int] = {}
    heads: set[str] = set()
    for formula in [*translation.premises, translation.conclusion]:
        for node, _ in subformulas(formula):
            if isinstance(node, Atom):
                signatures[_prolog_atom(node).split("(")[0]] = len(node.args)
    for clause in clauses:
        if ":-" in clause:
            heads.add(clause.split("(")[0])
    by_name: dict[str, list[str]] = {}
    for clause in clauses:
        by_name.setdefault(clause.split("(")[0].split(" ")[0], []).append(clause)
    directives = [f":- table {name}/{arity}." if name in heads else f":- dynamic {name}/{arity}."
                  for name, arity in sorted(signatures.items())]
    body = [c for name in sorted(by_name) for c in by_name[name]]
    return "\n".join(directives + body) + "\n", ", ".join(query_parts)


# ----------------------------------------------------------------------------------------- rules world


def _literal_atom(literal: Formula) -> Atom | None:
    """A literal as one atom of its own: `~Red(x)` becomes `Not_Red(x)`; None if not a literal."""
    if isinstance(literal, Atom):
        return literal
    if isinstance(literal, Not) and isinstance(literal.body, Atom):
        return Atom(f"Not_{literal.body.predicate}", literal.body.args)
    return None


def _directional(formula: Formula, sentence: Sentence) -> Formula:
    """A sentence with every negated atom replaced by an atom of its own (the "rules" world)."""
    match formula:
        case Atom():
            return formula
        case Not(Atom(predicate, args)):
            return Atom(f"Not_{predicate}", args)
        case Connective("and" | "implies" as op, parts):
            return Connective(op, tuple(_directional(p, sentence) for p in parts))
        case Quantified("forall", variables, body):
            return Quantified("forall", variables, _directional(body, sentence))
    message = (f'sentence {sentence.number} {quoted(sentence.text)} uses "or", "either ... or", "something" '
               "or a negated compound, which the rules world (facts and if-then rules over literals) does "
               "not have")
    raise NeurosymError(ErrorKind.UNSUPPORTED, message, sentence.line, sentence.column)


def to_rules_fol(translation: Translation) -> dict[str, Any]:
    """FOL fields for ProofWriter's semantics: rules apply forwards only, never by contraposition.

    Each negated atom becomes an atom of its own (`Not_Red(bob)`), so every sentence is a definite clause
    and what follows is exactly what forward chaining derives. The one link between a literal and its
    complement is stated for the asked literal alone, so "false" means the complement was derived.

    Examples:
        >>> fields = to_rules_fol(translate_text("Bob is not big.", "Is Bob big?"))
        >>> fields["premises"], fields["conclusion"]
        (['Not_Big(bob)', '¬(Big(bob) ∧ Not_Big(bob))'], 'Big(bob)')
    """
    premises = [_directional(p, s) for s, p in zip(translation.sentences, translation.premises, strict=True)]
    assert translation.conclusion is not None
    asked = _literal_atom(translation.conclusion)
    if asked is None or any(a.name == VARIABLE for a in asked.args):
        raise NeurosymError(ErrorKind.UNSUPPORTED, "in the rules world the question must be one fact or "
                                                   "negated fact about named things", 1, 1)
    complement = _literal_atom(Not(asked) if not asked.predicate.startswith("Not_")
                               else Atom(asked.predicate.removeprefix("Not_"), asked.args))
    assert complement is not None
    link = Not(Connective("and", (asked, complement)))
    return {"premises": [to_text(p) for p in [*premises, link]], "conclusion": to_text(asked),
            "lines": [*translation.lines, 1, 1]}


# ------------------------------------------------------------------------------------------ the choice


def formalize_problem(problem: Problem) -> Program:
    """The engine's entry point: text + question -> FOL (options.world: open, the default, or rules) or
    Prolog (closed)."""
    if problem.question is None or not str(problem.question).strip():
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has text but no question")
    options = dict(problem.options)
    world = str(options.get("world", "open")).lower()
    if world not in WORLDS:
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: unknown world {world!r} "
                                             f"(known: {', '.join(WORLDS)})")
    size = len(str(problem.text).encode("utf-8"))
    if size > problem.limits.max_input_bytes:  # checked before parsing: the parser runs in the caller
        raise NeurosymError(ErrorKind.INPUT, f"the text is {size} bytes, over the cap of "
                                             f"{problem.limits.max_input_bytes} bytes")
    translation = translate_text(str(problem.text), str(problem.question))
    if world == "closed":
        program, query = to_prolog(translation)
        return Program("prolog", {"program": program, "query": query}, origin="cnl", options=options)
    if world == "rules":
        return Program("fol", to_rules_fol(translation), origin="cnl", options=options)
    assert translation.conclusion is not None
    fields = {"premises": [to_text(p) for p in translation.premises],
              "conclusion": to_text(translation.conclusion), "lines": [*translation.lines, 1]}
    return Program("fol", fields, origin="cnl", options=options)
