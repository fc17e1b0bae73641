"""First-order logic: parse (grammars/fol.lark) into a small typed tree, check it, read FOL problems.

A FOL problem asks whether a conclusion follows from premises. Formulas are numbered as a program's
lines: premise i is line i, the conclusion is the line after the last premise, unless the source says
where each formula sat (bare `.fol` files keep their own line numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import lark

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import line_column, parse_located
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

MAX_NESTING = 200  # deeper formulas are refused before any recursive pass sees them

# ---------------------------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Term:
    """A variable, a constant, or a function application; which one depends on quantifier bindings."""

    name: str
    args: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Atom:
    predicate: str
    args: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Equal:
    left: Term
    right: Term


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Not:
    body: Formula


@dataclass(frozen=True)
class Connective:
    """and / or / xor (n-ary, left to right), implies (right-associative), iff (left to right)."""

    op: str
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Quantified:
    kind: str  # "forall" | "exists"
    variables: tuple[str, ...]
    body: Formula


Formula = Atom | Equal | Const | Not | Connective | Quantified

OPERATOR_BY_TOKEN = {"AND": "and", "OR": "or", "XOR": "xor", "IMPLIES": "implies", "IFF": "iff"}


class _ToTree(lark.Transformer):
    """Lark rules -> Formula, applied by the LALR parser as it reduces: no parse tree is built (twice as
    fast on a megabyte of formula) and nothing recurses, so long chains cannot overflow the stack."""

    def start(self, children: list[Any]) -> Formula:
        return children[0]

    def _chain(self, children: list[Any]) -> Formula:
        parts = tuple(c for c in children if not isinstance(c, lark.Token))
        op = OPERATOR_BY_TOKEN[next(c.type for c in children if isinstance(c, lark.Token))]
        return Connective(op, parts)

    conj = disj = xor = iff = _chain

    def implies(self, children: list[Any]) -> Formula:
        parts = [c for c in children if not isinstance(c, lark.Token)]
        formula = parts[-1]
        for antecedent in reversed(parts[:-1]):
            formula = Connective("implies", (antecedent, formula))
        return formula

    def negation(self, children: list[Any]) -> Formula:
        return Not(children[-1])

    def quantified(self, children: list[Any]) -> Formula:
        kind = children[0]
        variables = children[1]
        return Quantified(kind, variables, children[-1])

    def forall(self, _: list[Any]) -> str:
        return "forall"

    def exists(self, _: list[Any]) -> str:
        return "exists"

    def variables(self, children: list[Any]) -> tuple[str, ...]:
        return tuple(str(c) for c in children)

    def atom(self, children: list[Any]) -> Formula:
        return Atom(str(children[0]), children[1])

    def proposition(self, children: list[Any]) -> Formula:
        return Atom(str(children[0]))

    def equality(self, children: list[Any]) -> Formula:
        return Equal(children[0], children[2])

    def inequality(self, children: list[Any]) -> Formula:
        return Not(Equal(children[0], children[2]))

    def truth(self, _: list[Any]) -> Formula:
        return Const(True)

    def falsity(self, _: list[Any]) -> Formula:
        return Const(False)

    def terms(self, children: list[Any]) -> tuple[Term, ...]:
        return tuple(children)

    def name(self, children: list[Any]) -> Term:
        return Term(str(children[0]))

    def function(self, children: list[Any]) -> Term:
        return Term(str(children[0]), children[1])


def implication_chain(formula: Connective) -> tuple[list[Formula], Formula]:
    """The antecedents and final consequent of a right-nested chain A1 → (A2 → (… → C)), without
    recursion, so a chain of thousands of links is one flat implication."""
    antecedents: list[Formula] = []
    node: Formula = formula
    while isinstance(node, Connective) and node.op == "implies":
        antecedents.append(node.parts[0])
        node = node.parts[1]
    return antecedents, node


def balanced(parts: list[Any], combine: Callable[[Any, Any], Any]) -> Any:
    """Fold an associative operator as a balanced tree: depth log2(n) instead of n.

    >>> balanced(["a", "b", "c", "d", "e"], lambda x, y: f"({x} {y})")
    '(((a b) (c d)) e)'
    """
    while len(parts) > 1:
        paired = [combine(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = paired + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]


# ------------------------------------------------------------------------------------------------ parsing

TERMINAL_SPELLING = {
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "NAME": "a name", "NOT": "a negation (¬ ~ ! -)",
    "AND": "∧ (&)", "OR": "∨ (|)", "XOR": "⊕", "IMPLIES": "→ (->)", "IFF": "↔ (<->)", "EQUALS": "=",
    "NOT_EQUALS": "≠ (!=)", "DOT": "'.'", "$END": "the end of the formula",
}


LIST_ARGUMENT = re.compile(r"\[[^\[\]]*\]")
DIALECTS = ("folio", "nltk")
# NLTK's reading (LINC, Prover9 programs): a quantifier binds tighter than every connective, so its body is
# the next unary formula ("all x. P(x) -> Q(x)" is "(all x. P(x)) -> Q(x)"), its dot is required, several
# variables may stand side by side ("all x y."), and → groups to the left. There is no ⊕ in NLTK.
_FOLIO_RULES = """?iff: implies (IFF implies)*
?implies: xor (IMPLIES xor)*
?xor: disj (XOR disj)*
?disj: conj (OR conj)*
?conj: unary (AND unary)*

?unary: NOT unary -> negation
      | quantifier variables DOT? formula -> quantified
      | primary
"""
_NLTK_RULES = """?iff: implies (IFF implies)*
?implies: implies IMPLIES disj | disj
?disj: conj (OR conj)*
?conj: unary (AND unary)*

?unary: NOT unary -> negation
      | quantifier variables DOT unary -> quantified
      | primary
"""
NLTK_SPELLING = re.compile(r"\b(?:all|exists)\s+[^\W\d]\w*(?:\s*,?\s*[^\W\d]\w*)*\s*\.")


def grammar(dialect: str = "folio") -> str:
    """The FOL grammar of a dialect: grammars/fol.lark, with NLTK's precedence rules for "nltk"."""
    text = grammar_text("fol")
    if dialect == "folio":
        return text
    if dialect != "nltk":
        raise NeurosymError(ErrorKind.INPUT, f"unknown FOL dialect {dialect!r} (known: {', '.join(DIALECTS)})")
    assert _FOLIO_RULES in text, "grammars/fol.lark changed: update the NLTK dialect's rules"
    return text.replace(_FOLIO_RULES, _NLTK_RULES).replace('variables: NAME ("," NAME)*',
                                                           'variables: NAME ("," NAME)* | NAME NAME+')


def detect_dialect(texts: list[str]) -> str:
    """"nltk" when a formula spells a quantifier NLTK's way (`all x.`, `exists x y.`), else "folio".

    >>> detect_dialect(["all x. (Man(x) -> Mortal(x))"]), detect_dialect(["∀x (Man(x) → Mortal(x))"])
    ('nltk', 'folio')
    """
    return "nltk" if any(NLTK_SPELLING.search(text) for text in texts) else "folio"


@cache
def _parser(dialect: str = "folio") -> lark.Lark:
    return lark.Lark(grammar(dialect), parser="lalr", start="start", transformer=_ToTree())


def _nesting_depth(text: str) -> tuple[int, int]:
    """The deepest bracket/negation/quantifier nesting and the offset where it is reached (cheap scan)."""
    depth = deepest = 0
    at = 0
    for match in re.finditer(r"[()]", text):
        depth += 1 if match.group() == "(" else -1
        if depth > deepest:
            deepest, at = depth, match.start()
    # a run of prefix operators (¬¬¬P, ∀x∀y..., ----P) nests too
    for match in re.finditer(r"(?:[¬~!\-]\s*|[∀∃]\s*\w+\s*){2,}", text):
        run = len(re.findall(r"[¬~!\-∀∃]", match.group()))
        if run > deepest:
            deepest, at = run, match.start()
    return deepest, at


def parse_formula(text: str, line: int = 1, what: str = "formula", dialect: str = "folio") -> Formula:
    """Parse one formula; NeurosymError(SYNTAX) with line:column and what was expected on failure.

    `line` is the formula's line in its program, so errors point into the program the user wrote.
    `dialect` "nltk" reads it with NLTK's precedence (see DIALECTS).

    Examples
    --------
    >>> parse_formula("∀x (Human(x) → Mortal(x))").body.op
    'implies'
    >>> parse_formula("all x.(Human(x) -> Mortal(x))") == parse_formula("∀x (Human(x) → Mortal(x))")
    True
    >>> to_text(parse_formula("all x. P(x) -> Q(a)", dialect="nltk"))
    '(∀x P(x)) → Q(a)'
    >>> parse_formula("Human(x", line=3)
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: formula: unbalanced parentheses: the text ends with 1 '(' not closed; ...
    """
    if not text.strip():
        raise NeurosymError(ErrorKind.SYNTAX, f"{what} is empty", line, 1)
    depth, at = _nesting_depth(text)
    if depth > MAX_NESTING:
        row, column = line_column(text, at)
        raise NeurosymError(ErrorKind.INPUT, f"{what} is nested {depth} deep; the limit is {MAX_NESTING}",
                            line + row - 1, column)
    if match := LIST_ARGUMENT.search(text):
        row, column = line_column(text, match.start())
        raise NeurosymError(ErrorKind.SYNTAX, f"{what}: the list {match.group()} is not a term; write one atom "
                                              f"per element", line + row - 1, column)
    return parse_located(_parser(dialect), text, what, line, TERMINAL_SPELLING)


# ----------------------------------------------------------------------------------------------- printing

SYMBOL = {"and": "∧", "or": "∨", "xor": "⊕", "implies": "→", "iff": "↔"}
QUANTIFIER_SYMBOL = {"forall": "∀", "exists": "∃"}
BINDING = {"iff": 1, "implies": 2, "xor": 3, "or": 4, "and": 5}  # the grammar's precedence, loosest first
UNARY_BINDING = 6  # negation, quantifiers, atoms: never split by a binary connective


def term_text(term: Term) -> str:
    """A term as the grammar spells it.

    Examples:
        >>> term_text(Term("f", (Term("x"), Term("bob"))))
        'f(x, bob)'
    """
    if not term.args:
        return term.name
    return f"{term.name}({', '.join(term_text(arg) for arg in term.args)})"


def to_text(formula: Formula) -> str:
    """A formula in FOLIO's Unicode spelling, which `parse_formula` reads back to the same tree.

    Brackets stand only where the grammar needs them (¬ binds tightest, then ∧, ∨, ⊕, →, ↔; → groups to
    the right, the others to the left, and a quantifier's scope runs as far right as it can), plus FOLIO's
    customary brackets around a quantifier's body when it is a connective: `∀x (P(x) → Q(x))`, which a
    reader used to tight quantifiers would otherwise misread. A chain the parser reads as one n-ary
    connective prints flat; a nested one of the same operator keeps its brackets, so the tree survives.
    A Connective needs two parts or more ("implies" with more than two reads as right-nested).

    Examples:
        >>> to_text(parse_formula("forall x (Dog(x) -> (Animal(x) & ~Cat(x)))"))
        '∀x (Dog(x) → Animal(x) ∧ ¬Cat(x))'
        >>> to_text(parse_formula("(a -> b) -> c"))
        '(a → b) → c'
        >>> to_text(parse_formula("(∀x P(x)) ∧ Q(b)"))
        '(∀x P(x)) ∧ Q(b)'
        >>> to_text(parse_formula("x != y | ((A & B) & C)"))
        'x ≠ y ∨ (A ∧ B) ∧ C'
        >>> formula = parse_formula("¬(∃y R(y, a)) ↔ ⊤ ⊕ (p(a) ∨ q)")
        >>> parse_formula(to_text(formula)) == formula
        True
    """
    return _formula_text(formula, closed=False)


def _binding(formula: Formula) -> int:
    return BINDING[formula.op] if isinstance(formula, Connective) else UNARY_BINDING


def _formula_text(formula: Formula, closed: bool) -> str:
    """`closed`: more text follows at this level, so a quantifier here must be bracketed to end its scope.

    Recursion follows the brackets and prefix runs the parser allows (MAX_NESTING); the one unbounded
    shape, a right-nested → chain, is walked in a loop.
    """
    if isinstance(formula, Atom):
        return f"{formula.predicate}({', '.join(term_text(a) for a in formula.args)})" if formula.args \
            else formula.predicate
    if isinstance(formula, Equal):
        return f"{term_text(formula.left)} = {term_text(formula.right)}"
    if isinstance(formula, Const):
        return "⊤" if formula.value else "⊥"
    if isinstance(formula, Not):
        if isinstance(formula.body, Equal):
            return f"{term_text(formula.body.left)} ≠ {term_text(formula.body.right)}"
        return "¬" + _operand(formula.body, UNARY_BINDING, closed)
    if isinstance(formula, Quantified):
        if closed:
            return f"({_formula_text(formula, closed=False)})"
        body = formula.body
        inner = f"({_formula_text(body, False)})" if isinstance(body, Connective) else _formula_text(body, False)
        return f"{QUANTIFIER_SYMBOL[formula.kind]}{','.join(formula.variables)} {inner}"
    if len(formula.parts) < 2:
        raise ValueError(f"a {formula.op!r} connective needs two parts or more, got {len(formula.parts)}")
    parts = list(formula.parts)
    if formula.op == "implies":  # a → (b → c) prints as a → b → c
        while isinstance(parts[-1], Connective) and parts[-1].op == "implies":
            parts[-1:] = parts[-1].parts
    binding = BINDING[formula.op]
    texts = [_operand(part, binding + 1, closed or i < len(parts) - 1) for i, part in enumerate(parts)]
    return f" {SYMBOL[formula.op]} ".join(texts)


def _operand(formula: Formula, tightest_bare: int, closed: bool) -> str:
    """An operand: bracketed when it binds looser than `tightest_bare` (a same-operator chain included)."""
    if _binding(formula) < tightest_bare:
        return f"({_formula_text(formula, closed=False)})"
    return _formula_text(formula, closed)


# ----------------------------------------------------------------------------------------------- checking


def subformulas(formula: Formula) -> Iterator[tuple[Formula, frozenset[str]]]:
    """Every subformula with the variables bound around it (iterative: safe on long chains)."""
    stack: list[tuple[Formula, frozenset[str]]] = [(formula, frozenset())]
    while stack:
        node, bound = stack.pop()
        yield node, bound
        if isinstance(node, Not):
            stack.append((node.body, bound))
        elif isinstance(node, Connective):
            stack.extend((part, bound) for part in reversed(node.parts))
        elif isinstance(node, Quantified):
            stack.append((node.body, bound | set(node.variables)))


def _terms(args: tuple[Term, ...]) -> Iterator[Term]:
    stack = list(reversed(args))
    while stack:
        term = stack.pop()
        yield term
        stack.extend(reversed(term.args))


@dataclass
class Signature:
    """The symbols of a problem: predicates and functions with arities, constants, and bound names."""

    predicates: dict[str, int]
    functions: dict[str, int]
    constants: set[str]
    variables: set[str]


FREE_VARIABLE_NAME = re.compile(r"[u-z][0-9]?$")  # variables by convention (x, y1); y1995 is a constant


def check_formulas(formulas: list[tuple[Formula, int, str]], texts: list[str] | None = None) -> Signature:
    """Type-check formulas given as (formula, line, label); NeurosymError(TYPE) names the first clash.

    With the formulas' source `texts`, the error's column points at the first use of the symbol.

    Examples
    --------
    >>> check_formulas([(parse_formula("Likes(ann, bob)"), 1, "premise 1")]).predicates
    {'Likes': 2}
    >>> check_formulas([(parse_formula("P(a)"), 1, "premise 1"), (parse_formula("P(a, b)"), 2, "premise 2")])
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: premise 2: predicate 'P' is used with 2 argument(s) here but 1 on line 1
    """
    predicates: dict[str, tuple[int, int]] = {}  # name -> (arity, line first seen)
    functions: dict[str, tuple[int, int]] = {}
    constants: dict[str, int] = {}
    bound_anywhere: set[str] = set()
    for formula, _, _ in formulas:
        for node, _ in subformulas(formula):
            if isinstance(node, Quantified):
                bound_anywhere.update(node.variables)

    current_text = ""

    def clash(message: str, line: int, symbol: str | None = None) -> NeurosymError:
        found = re.search(rf"(?<![\w'’]){re.escape(symbol)}(?![\w'’])", current_text) if symbol else None
        return NeurosymError(ErrorKind.TYPE, message, line, found.start() + 1 if found else 1)

    for index, (formula, line, label) in enumerate(formulas):
        current_text = texts[index] if texts is not None else ""
        for node, bound in subformulas(formula):
            if isinstance(node, Quantified):
                for variable in node.variables:
                    if variable in predicates or variable in functions:
                        raise clash(f"{label}: {variable!r} is bound as a variable but used as a "
                                    f"predicate or function elsewhere", line, variable)
            term_args: tuple[Term, ...] = ()
            if isinstance(node, Atom):
                seen = predicates.setdefault(node.predicate, (len(node.args), line))
                if seen[0] != len(node.args):
                    raise clash(f"{label}: predicate {node.predicate!r} is used with {len(node.args)} "
                                f"argument(s) here but {seen[0]} on line {seen[1]}", line, node.predicate)
                if node.predicate in functions or node.predicate in constants:
                    raise clash(f"{label}: {node.predicate!r} is used both as a predicate and as a term", line,
                                node.predicate)
                term_args = node.args
            elif isinstance(node, Equal):
                term_args = (node.left, node.right)
            for term in _terms(term_args):
                if term.name in predicates:
                    raise clash(f"{label}: predicate {term.name!r} is used as a term", line, term.name)
                if term.args:
                    seen = functions.setdefault(term.name, (len(term.args), line))
                    if seen[0] != len(term.args):
                        raise clash(f"{label}: function {term.name!r} is used with {len(term.args)} "
                                    f"argument(s) here but {seen[0]} on line {seen[1]}", line, term.name)
                    if term.name in bound or term.name in constants:
                        raise clash(f"{label}: {term.name!r} is used both as a function and as a "
                                    f"variable or constant", line, term.name)
                elif term.name not in bound:
                    if term.name in bound_anywhere or FREE_VARIABLE_NAME.match(term.name):
                        raise clash(f"{label}: variable {term.name!r} is not bound by any quantifier here",
                                    line, term.name)
                    if term.name in functions:
                        raise clash(f"{label}: {term.name!r} is used both as a function and a constant", line,
                                    term.name)
                    constants.setdefault(term.name, line)
    return Signature({k: v[0] for k, v in predicates.items()}, {k: v[0] for k, v in functions.items()},
                     set(constants), bound_anywhere)


# ---------------------------------------------------------------------------------------------- problems


@dataclass
class ParsedProblem:
    premises: list[Formula]
    conclusion: Formula
    signature: Signature
    premise_texts: list[str]
    conclusion_text: str
    dialect: str = "folio"
    closed: dict[str, list[str]] = field(default_factory=dict)  # label -> free variables closed by ∀

    def reading(self) -> dict[str, Any]:
        """How the text was read, for the certificate: the dialect, and any free variables closed."""
        found: dict[str, Any] = {"reading": self.dialect}
        if self.closed:
            found["closed_free_variables"] = self.closed
        return found


def free_variables(formula: Formula, variables: set[str]) -> list[str]:
    """Names used free in `formula` that are variables: bound elsewhere (`variables`), or named like one.

    >>> free_variables(parse_formula("∀x P(x) ∧ Q(y, bob)"), set())
    ['y']
    """
    found: list[str] = []
    for node, bound in subformulas(formula):
        args = node.args if isinstance(node, Atom) else (node.left, node.right) if isinstance(node, Equal) else ()
        for term in _terms(args):
            name = term.name
            if not term.args and name not in bound and name not in found and (
                    name in variables or FREE_VARIABLE_NAME.match(name)):
                found.append(name)
    return found


def parse_program(program: Program) -> ParsedProblem:
    """Parse and type-check a FOL program's premises and conclusion.

    Options: `dialect` ("folio", "nltk", or "auto", the default: NLTK's reading when a formula spells a
    quantifier NLTK's way), and `free_variables: close` to bind free variables universally, as Prover9
    does (by default a free variable is an error). The ParsedProblem says which reading was used.

    >>> parsed = parse_program(Program("fol", {"premises": ["∀x (Human(x) → Mortal(x))", "Human(socrates)"],
    ...                                        "conclusion": "Mortal(socrates)"}))
    >>> parsed.signature.predicates, parsed.signature.constants
    ({'Human': 1, 'Mortal': 1}, {'socrates'})
    >>> closed = parse_program(Program("fol", {"premises": ["all x. Man(x) -> Mortal(x)", "Man(bob)"],
    ...                                        "conclusion": "Mortal(bob)"}, options={"free_variables": "close"}))
    >>> closed.reading()
    {'reading': 'nltk', 'closed_free_variables': {'premise 1': ['x']}}
    """
    premises_text: list[str] = program.fields["premises"]
    conclusion_text: str = program.fields["conclusion"]
    lines: list[int] = program.fields.get("lines") or list(range(1, len(premises_text) + 2))
    if not premises_text:
        raise NeurosymError(ErrorKind.INPUT, "the premise list is empty: there is nothing to reason from")
    dialect = str(program.options.get("dialect") or "auto").lower()
    if dialect == "auto":
        dialect = detect_dialect([*premises_text, conclusion_text])
    premises = [parse_formula(text, lines[i], f"premise {i + 1}", dialect) for i, text in enumerate(premises_text)]
    conclusion = parse_formula(conclusion_text, lines[-1], "conclusion", dialect)
    closed: dict[str, list[str]] = {}
    mode = str(program.options.get("free_variables") or "error").lower()
    if mode not in {"error", "close"}:
        raise NeurosymError(ErrorKind.INPUT, f"option free_variables must be 'error' or 'close', got {mode!r}")
    labels = [f"premise {i + 1}" for i in range(len(premises))] + ["conclusion"]
    if mode == "close":
        variables = {v for f in [*premises, conclusion] for node, _ in subformulas(f)
                     if isinstance(node, Quantified) for v in node.variables}
        formulas = [*premises, conclusion]
        for index, formula in enumerate(formulas):
            free = free_variables(formula, variables)
            if free:
                closed[labels[index]] = free
                formulas[index] = Quantified("forall", tuple(free), formula)
        *premises, conclusion = formulas
    labelled = [(f, lines[i], labels[i]) for i, f in enumerate(premises)]
    labelled.append((conclusion, lines[-1], "conclusion"))
    signature = check_formulas(labelled, [*premises_text, conclusion_text])
    return ParsedProblem(premises, conclusion, signature, premises_text, conclusion_text, dialect, closed)


ANSWER_SYNONYMS = {"true": "true", "yes": "true", "a": "true", "false": "false", "no": "false",
                   "b": "false", "uncertain": "uncertain", "unknown": "uncertain", "c": "uncertain"}

CONCLUSION_MARK = re.compile(r"^\s*(?:⊢|\|-|conclusion\s*:)\s*", re.IGNORECASE)
EXPECT_COMMENT = re.compile(r"^\s*[#%]\s*expect\s*:\s*(\S+)", re.IGNORECASE)


class FolLanguage(Language):
    name = "fol"
    suffixes = (".fol",)

    def program_from_problem(self, problem: Problem) -> Program:
        premises = require_field(problem, "premises", (list, str))
        if isinstance(premises, str):
            premises = [line for line in premises.splitlines() if line.strip()]
        if not all(isinstance(p, str) for p in premises):
            raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: every premise must be a string")
        conclusion = require_field(problem, "conclusion", str)
        fields: dict[str, Any] = {"premises": list(premises), "conclusion": conclusion}
        if isinstance(problem.formal.get("lines"), list):
            fields["lines"] = problem.formal["lines"]
        return Program("fol", fields)

    def check(self, program: Program) -> dict[str, Any]:
        parsed = parse_program(program)
        return {"premises": len(parsed.premises), "predicates": len(parsed.signature.predicates),
                "constants": len(parsed.signature.constants)}

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        """A `.fol` file: one premise a line, the conclusion on a line starting with ⊢ or |-.

        Lines starting with # or % are comments; `# expect: true` sets the expected answer.
        """
        premises: list[str] = []
        lines: list[int] = []
        conclusion = None
        expect = None
        for number, line in enumerate(text.splitlines(), start=1):
            if match := EXPECT_COMMENT.match(line):
                expect = match.group(1)
                continue
            if not line.strip() or line.lstrip().startswith(("#", "%")):
                continue
            if match := CONCLUSION_MARK.match(line):
                if conclusion is not None:
                    return Problem.broken(path.stem, f"{path}: line {number}: a second conclusion", str(path),
                                          line=number, column=1)
                conclusion = line[match.end():]
                conclusion_line = number
                continue
            premises.append(line.strip())
            lines.append(number)
        if conclusion is None:
            return Problem.broken(path.stem, f"{path}: no conclusion line (start it with ⊢ or |-)", str(path))
        data = {"id": path.stem, "language": "fol", "premises": premises, "conclusion": conclusion,
                "lines": [*lines, conclusion_line], "expect": expect}
        return Problem.from_dict(data, path.stem, source=str(path))

    def normalize_answer(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value).strip().lower()
        return ANSWER_SYNONYMS.get(text, text)


LANGUAGE = FolLanguage()
