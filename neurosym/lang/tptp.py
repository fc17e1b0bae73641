"""Print first-order formulas as TPTP FOF, the input language of the E prover (and most ATPs).

TPTP wants lower-case functors and upper-case variables in plain ASCII, so symbols are renamed by an
injective scheme (letters and digits kept, `_` doubled, anything else `_u<hex>_`) with a prefix per kind;
every quantified variable gets a fresh name, so no capture is possible.
"""

from __future__ import annotations

import itertools
import re

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
# A chain of more than CHUNK links is cut into groups, each named by a definition (below); E orders the
# literals of every clause it makes, quadratic in the clause's length, so a 5,000-literal clause cost it
# minutes where 100 clauses of 50 cost nothing.
CHUNK = {"<=>": 2}
DEFAULT_CHUNK = 48
VARIABLE = re.compile(r"\bX\d+\b")
BINDER = re.compile(r"[!?]\[([^\]]*)\]")


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


def free_tptp_variables(text: str) -> list[str]:
    """The variables of printed TPTP `text` that no quantifier inside it binds (every variable the printer
    writes is fresh, so a name bound anywhere inside is bound everywhere inside).

    >>> free_tptp_variables("(p_P(X1) & (![X2] : p_Q(X2, X3)))")
    ['X1', 'X3']
    """
    bound = {name.strip() for names in BINDER.findall(text) for name in names.split(",")}
    return sorted(set(VARIABLE.findall(text)) - bound, key=lambda name: int(name[1:]))


class TptpPrinter:
    """Prints formulas; `definitions` collects the axioms that name the groups of long chains.

    A definition `d(X…) <=> group` over the group's free variables is a conservative extension: every
    model of the problem extends to one of the definitions, so provability and satisfiability (E's
    Theorem and CounterSatisfiable) are unchanged, whatever the polarity the group occurs in.
    """

    def __init__(self) -> None:
        self._fresh = itertools.count(1)
        self._defined = itertools.count(1)
        self.definitions: list[str] = []

    def chain(self, parts: list[str], operator: str) -> str:
        """`parts` joined by an associative operator: balanced, and named in groups when long.

        >>> printer = TptpPrinter()
        >>> printer.chain([f"p_Q{i}(X1)" for i in range(100)], "|").count("|")
        2
        >>> len(printer.definitions), printer.definitions[0][:45]
        (3, 'fof(definition_1, axiom, ![X1] : (d_1(X1) <=>')
        """
        size = CHUNK.get(operator, DEFAULT_CHUNK)
        while len(parts) > size:
            parts = [self._define(parts[i:i + size], operator) for i in range(0, len(parts), size)]
        return balanced(parts, lambda a, b: f"({a} {operator} {b})")

    def _define(self, group: list[str], operator: str) -> str:
        if len(group) == 1:
            return group[0]
        body = balanced(group, lambda a, b: f"({a} {operator} {b})")
        number = next(self._defined)
        variables = free_tptp_variables(body)
        atom = f"d_{number}({','.join(variables)})" if variables else f"d_{number}"
        definition = f"({atom} <=> {body})"
        if variables:
            definition = f"![{','.join(variables)}] : {definition}"
        self.definitions.append(f"fof(definition_{number}, axiom, {definition}).")
        return atom

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
                premise = self.chain([self.formula(a, env) for a in antecedents], "&")
                return f"({premise} => {self.formula(consequent, env)})"
            parts = [self.formula(p, env) for p in formula.parts]
            if formula.op == "xor" and len(parts) > DEFAULT_CHUNK:
                # A ⊕-chain is a parity; so is a <=>-chain, complemented when it has an even number of
                # parts.
                chained = self.chain(parts, "<=>")
                return f"~ ({chained})" if len(parts) % 2 == 0 else chained
            return self.chain(parts, TPTP_OPERATORS[formula.op])
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
    return "\n".join(printer.definitions + lines) + "\n"
