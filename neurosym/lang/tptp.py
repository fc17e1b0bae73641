"""Print first-order formulas as TPTP FOF, the input language of the E prover (and most ATPs).

TPTP wants lower-case functors and upper-case variables in plain ASCII, so symbols are renamed by an
injective scheme (letters and digits kept, `_` doubled, anything else `_u<hex>_`) with a prefix per kind;
every quantified variable gets a fresh name, so no capture is possible.
"""

from __future__ import annotations

import itertools

from neurosym.lang.fol import (
    Atom,
    Connective,
    Const,
    Equal,
    Formula,
    Not,
    ParsedProblem,
    Quantified,
    Term,
    balanced,
    implication_chain,
)

TPTP_OPERATORS = {"and": "&", "or": "|", "implies": "=>", "iff": "<=>", "xor": "<~>"}


def tptp_symbol(name: str, prefix: str) -> str:
    """An ASCII lower_word for a symbol: injective, so distinct names never merge."""
    out = []
    for char in name:
        if char.isascii() and char.isalnum():
            out.append(char)
        elif char == "_":
            out.append("__")
        else:
            out.append(f"_u{ord(char):x}_")
    return f"{prefix}_{''.join(out)}"


class TptpPrinter:
    def __init__(self) -> None:
        self._fresh = itertools.count(1)

    def term(self, term: Term, env: dict[str, str]) -> str:
        if term.args:
            return f"{tptp_symbol(term.name, 'f')}({','.join(self.term(a, env) for a in term.args)})"
        return env.get(term.name) or tptp_symbol(term.name, "c")

    def formula(self, formula: Formula, env: dict[str, str] | None = None) -> str:
        env = env or {}
        if isinstance(formula, Atom):
            name = tptp_symbol(formula.predicate, "p")
            return f"{name}({','.join(self.term(a, env) for a in formula.args)})" if formula.args else name
        if isinstance(formula, Equal):
            return f"({self.term(formula.left, env)} = {self.term(formula.right, env)})"
        if isinstance(formula, Const):
            return "$true" if formula.value else "$false"
        if isinstance(formula, Not):
            return f"~ ({self.formula(formula.body, env)})"
        if isinstance(formula, Connective):
            # Every chain is printed with bracket depth log2(n), never n, so E's recursive parser takes
            # thousands of links: A1 → (A2 → … → C) as ((A1 & A2 & …) => C); ∧ ∨ ⊕ ↔ are associative
            # (a chain of ⊕ is parity, of ↔ its complement), so a balanced tree means the same.
            if formula.op == "implies":
                antecedents, consequent = implication_chain(formula)
                premise = balanced([self.formula(a, env) for a in antecedents], lambda a, b: f"({a} & {b})")
                return f"({premise} => {self.formula(consequent, env)})"
            operator = TPTP_OPERATORS[formula.op]
            return balanced([self.formula(p, env) for p in formula.parts], lambda a, b: f"({a} {operator} {b})")
        if isinstance(formula, Quantified):
            inner = dict(env)
            names = []
            for variable in formula.variables:
                fresh = f"X{next(self._fresh)}"
                inner[variable] = fresh
                names.append(fresh)
            quantifier = "!" if formula.kind == "forall" else "?"
            return f"({quantifier}[{','.join(names)}] : {self.formula(formula.body, inner)})"
        raise TypeError(f"no TPTP form for {type(formula).__name__}")


def problem_to_tptp(parsed: ParsedProblem, negate_conclusion: bool = False) -> str:
    """The premises as axioms `premise_<i>` and the conclusion (or its negation) as the conjecture."""
    printer = TptpPrinter()
    lines = [f"fof(premise_{i + 1}, axiom, {printer.formula(p)})." for i, p in enumerate(parsed.premises)]
    goal = printer.formula(parsed.conclusion)
    lines.append(f"fof(goal, conjecture, {'~ (' + goal + ')' if negate_conclusion else goal}).")
    return "\n".join(lines) + "\n"
