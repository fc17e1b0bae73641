"""Lean 4 theorem statements (miniF2F style): parse with grammars/lean.lark, then elaborate types as Lean does.

Parsing gives a raw tree of `Node`s. Elaboration (`elaborate`) gives every node its Lean type and inserts the
coercions Lean inserts, following Lean's `binop%` rule: the leaves of an arithmetic tree (+ - * / % unary -,
and the base of ^) and of a relation (= ≠ < ≤ > ≥ ∣) are elaborated on their own, the largest type among
them and the expected type (ℕ < ℤ < ℚ < ℝ < ℂ) is the tree's type, and each smaller leaf is cast up
(`(n : ℝ) / (n + k)` is `↑n / (↑n + ↑k)`, not `↑(n + k)`). Numerals alone default to ℕ; the exponent of ^
is elaborated apart (a numeral exponent is a natural number). The truncated ℕ subtraction and Lean's
division conventions depend on these types, so a backend reads them off the elaborated tree.

Names: bound variables, a table of Mathlib names with their types (`FUNCTIONS`), and Mathlib names the
fragment knows of but no backend models (`OPAQUE`: the statement elaborates, the node is `opaque`, and a
backend answers `unknown` naming it). Any other name is an error: `unknown identifier` (type) or, for a
qualified Mathlib name, `unsupported` naming the construct.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import lark

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import line_column, parse_located
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError

MAX_NESTING = 200  # brackets / tree depth beyond which a statement is refused before any recursive pass
MAX_STATEMENT_BYTES = 200_000

NUMERIC = ("N", "Z", "Q", "NNR", "R", "C")  # the coercion order used to pick a tree's type
TYPE_NAMES = {"ℕ": "N", "Nat": "N", "ℤ": "Z", "Int": "Z", "ℚ": "Q", "Rat": "Q", "ℝ": "R", "Real": "R",
              "ℂ": "C", "Complex": "C", "NNReal": "NNR", "ℝ≥0": "NNR", "Prop": "Prop"}
TYPE_SPELLING = {"N": "ℕ", "Z": "ℤ", "Q": "ℚ", "R": "ℝ", "C": "ℂ", "NNR": "NNReal", "Prop": "Prop"}


def show_type(ty: Any) -> str:
    if isinstance(ty, tuple):
        if ty[0] == "fun":
            return " → ".join(show_type(t) for t in (*ty[1], ty[2]))
        return f"{ty[0].capitalize()} {show_type(ty[1])}" if len(ty) > 1 else ty[0]
    return TYPE_SPELLING.get(ty, str(ty))


# ---------------------------------------------------------------------------------------------- the tree


@dataclass(eq=False)
class Node:
    """One node of a statement. `kind` names it; `value` holds its operator, name or number; `ty` its type
    once elaborated. Raw kinds come from the grammar; elaborated kinds are listed in docs/lean.md."""

    kind: str
    args: tuple[Any, ...] = ()
    value: Any = None
    line: int = 0
    column: int = 0
    ty: Any = None
    depth: int = 1

    def __repr__(self) -> str:
        return show(self)


def show(node: Any) -> str:
    """A compact Lean-like rendering (for messages and certificates)."""
    if not isinstance(node, Node):
        return str(node)
    k, a, v = node.kind, node.args, node.value
    if k in ("num", "number"):
        return str(v)
    if k in ("var", "name", "const"):
        return str(v)
    if k == "bin":
        return f"({show(a[0])} {v} {show(a[1])})"
    if k == "rel":
        return f"{show(a[0])} {v} {show(a[1])}"
    if k == "neg":
        return f"-{show(a[0])}"
    if k == "cast":
        return f"(↑{show(a[0])} : {show_type(node.ty)})"
    if k in ("and", "or", "imp", "iff"):
        op = {"and": "∧", "or": "∨", "imp": "→", "iff": "↔"}[k]
        return f"({show(a[0])} {op} {show(a[1])})"
    if k == "not":
        return f"¬{show(a[0])}"
    if k in ("forall", "exists", "exists1"):
        q = {"forall": "∀", "exists": "∃", "exists1": "∃!"}[k]
        return f"({q} {v[0]} : {show_type(v[1])}, {show(a[0])})"
    if k in ("call", "apply", "app"):
        head = v if k == "call" else show(a[0])
        rest = a if k == "call" else a[1:]
        return f"({head} {' '.join(show(x) for x in rest)})"
    if k == "bigop":
        return f"({'∑' if v[0] == 'sum' else '∏'} {v[1]} ∈ {show(a[-2])}, {show(a[-1])})"
    if k == "lambda":
        return f"(fun {v[0]} => {show(a[0])})"
    if k in ("true", "false"):
        return "True" if k == "true" else "False"
    return f"<{k} {v if v is not None else ''}{' '.join(show(x) for x in a)}>"


def _pos(item: Any) -> tuple[int, int]:
    if isinstance(item, lark.Token):
        return item.line or 0, item.column or 0
    if isinstance(item, Node):
        return item.line, item.column
    return 0, 0


def _node(kind: str, children: list[Any], value: Any = None, at: Any = None) -> Node:
    nodes = tuple(c for c in children if isinstance(c, Node))
    line, column = _pos(at if at is not None else (children[0] if children else None))
    depth = 1 + max((c.depth for c in nodes), default=0)
    return Node(kind, nodes, value, line, column, depth=depth)


@dataclass
class Binder:
    names: list[lark.Token]
    type: Node | None = None
    bound: tuple[str, Node] | None = None  # ∀ n ≥ 5, ...


@dataclass
class Declaration:
    name: str
    binders: list[Binder]
    goal: Node
    instance_binders: list[Node] = field(default_factory=list)


class _ToTree(lark.Transformer):
    """Grammar rules -> Nodes, applied as the LALR parser reduces (no recursion, so deep input is safe)."""

    def start(self, c: list[Any]) -> Declaration:
        return c[-1]

    def import_(self, c: list[Any]) -> None:
        return None

    set_option = open_ = import_

    def decl_kw(self, c: list[Any]) -> str:
        return str(c[0])

    def proof(self, c: list[Any]) -> None:
        return None

    def declaration(self, c: list[Any]) -> Declaration:
        name = next((str(x) for x in c if isinstance(x, lark.Token) and x.type == "NAME"), "example")
        binders = [x for x in c if isinstance(x, Binder)]
        instances = [x.type for x in c if isinstance(x, Binder) and not x.names]
        nodes = [x for x in c if isinstance(x, Node)]
        return Declaration(name, [b for b in binders if b.names], nodes[-1], instances)

    def sig_binder(self, c: list[Any]) -> Binder:
        return Binder([t for t in c if isinstance(t, lark.Token)], c[-1])

    def inst_binder(self, c: list[Any]) -> Binder:
        return Binder([], c[0])

    def iff(self, c: list[Any]) -> Node:
        return _node("iff", c)

    def imp(self, c: list[Any]) -> Node:
        return _node("imp", c)

    def or_(self, c: list[Any]) -> Node:
        return _node("or", c)

    def and_(self, c: list[Any]) -> Node:
        return _node("and", c)

    def not_(self, c: list[Any]) -> Node:
        return _node("not", c)

    def relop(self, c: list[Any]) -> lark.Token:
        return c[0]

    def rel(self, c: list[Any]) -> Node:
        return _node("rel", c, str(c[1]), at=c[0])

    def modeq(self, c: list[Any]) -> Node:
        kind = "Z" if "ZMOD" in str(c[2]) else "N"
        return _node("modeq", c, kind)

    def bin(self, c: list[Any]) -> Node:
        return _node("bin", c, str(c[1]))

    def neg(self, c: list[Any]) -> Node:
        return _node("neg", c)

    def app(self, c: list[Any]) -> Node:
        return _node("app", c)

    def factorial(self, c: list[Any]) -> Node:
        return _node("factorial", c)

    def inv(self, c: list[Any]) -> Node:
        return _node("inv", c)

    def proj(self, c: list[Any]) -> Node:
        return _node("proj", c, str(c[1])[1:])

    def coe(self, c: list[Any]) -> Node:
        return _node("coe", c)

    def sqrt(self, c: list[Any]) -> Node:
        return _node("sqrt", c)

    def name(self, c: list[Any]) -> Node:
        return _node("name", c, str(c[0]), at=c[0])

    def number(self, c: list[Any]) -> Node:
        return _node("number", c, Fraction(str(c[0])), at=c[0])

    def hole(self, c: list[Any]) -> Node:
        return Node("hole")

    def ascribe(self, c: list[Any]) -> Node:
        return _node("ascribe", c)

    def abs_bars(self, c: list[Any]) -> Node:
        return _node("abs", c)

    def floor_(self, c: list[Any]) -> Node:
        return _node("floor", c)

    def ceil_(self, c: list[Any]) -> Node:
        return _node("ceil", c)

    def list_(self, c: list[Any]) -> Node:
        return _node("list", [x for x in c if x is not None])

    def set_literal(self, c: list[Any]) -> Node:
        return _node("setlit", c)

    def set_builder(self, c: list[Any]) -> Node:
        return _node("setbuilder", [x for x in c if isinstance(x, Node)], (str(c[0]), c[1] is not None), at=c[0])

    def member(self, c: list[Any]) -> str:
        return "∈"

    def lambda_kw(self, c: list[Any]) -> str:
        return "fun"

    def quant(self, c: list[Any]) -> Node:
        node = _node("quant", [c[2]], (str(c[0]), c[1]), at=c[0])
        for binder in c[1]:
            extra = [x for x in (binder.type, binder.bound[1] if binder.bound else None) if x is not None]
            node.depth = max(node.depth, 1 + max((x.depth for x in extra), default=0))
        return node

    def plain_binders(self, c: list[Any]) -> list[Binder]:
        return [Binder([t for t in c if isinstance(t, lark.Token)], c[-1] if isinstance(c[-1], Node) else None)]

    def bounded_binder(self, c: list[Any]) -> list[Binder]:
        return [Binder([c[0]], None, (str(c[1]), c[2]))]

    def paren_binders(self, c: list[Any]) -> list[Binder]:
        return [b for group in c for b in group]

    def paren_binder(self, c: list[Any]) -> list[Binder]:
        return [Binder([t for t in c if isinstance(t, lark.Token)], c[-1] if isinstance(c[-1], Node) else None)]

    def bigop(self, c: list[Any]) -> Node:
        op = "sum" if str(c[0]) == "∑" else "prod"
        var = str(c[1])
        typ, domain, body = c[2], c[4], c[5]
        return _node("bigop", [typ or Node("none"), domain or Node("none"), body], (op, var), at=c[0])

    def lambda_(self, c: list[Any]) -> Node:
        names = [str(t) for t in c if isinstance(t, lark.Token) and t.type == "NAME"]
        return _node("lambda", [c[-1]], tuple(names), at=c[1])


# ------------------------------------------------------------------------------------------------ parsing

TERMINAL_SPELLING = {"NAME": "a name", "NUMBER": "a number", "LPAR": "'('", "RPAR": "')'", "COLON": "':'",
                     "COMMA": "','", "$END": "the end of the statement", "ARROW": "'=>'", "RELOP": "a relation"}


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text_lean(), parser="lalr", start="start", transformer=_ToTree())


def grammar_text_lean() -> str:
    from neurosym.resources import grammar_text

    return grammar_text("lean")


def _bracket_depth(text: str) -> tuple[int, int]:
    depth = deepest = at = 0
    for match in re.finditer(r"[(\[{⌊⌈]|[)\]}⌋⌉]", text):
        depth += 1 if match.group() in "([{⌊⌈" else -1
        if depth > deepest:
            deepest, at = depth, match.start()
    return deepest, at


def parse_statement(text: str, what: str = "statement", first_line: int = 1) -> Declaration:
    """Parse header lines and one theorem; NeurosymError with line:column on failure.

    Examples:
        >>> show(parse_statement("theorem t (x : ℝ) : -x ^ 2 ≤ 0 := by sorry").goal)
        '-(x ^ 2) ≤ 0'
        >>> show(parse_statement("example : ∑ k ∈ Finset.range 3, k * 2 + 1 = 7 := by sorry").goal)
        '((∑ k ∈ (Finset.range 3), (k * 2)) + 1) = 7'
    """
    if len(text.encode("utf-8")) > MAX_STATEMENT_BYTES:
        raise NeurosymError(ErrorKind.INPUT, f"{what} is larger than {MAX_STATEMENT_BYTES} bytes")
    if not text.strip():
        raise NeurosymError(ErrorKind.SYNTAX, f"{what} is empty", first_line, 1)
    depth, at = _bracket_depth(text)
    if depth > MAX_NESTING:
        row, column = line_column(text, at)
        raise NeurosymError(ErrorKind.INPUT, f"{what} is nested {depth} brackets deep; the limit is {MAX_NESTING}",
                            first_line + row - 1, column)
    declaration = parse_located(_parser(), text, what, first_line, TERMINAL_SPELLING, comment=r"--[^\n]*")
    deepest = max([declaration.goal.depth, *(b.type.depth for b in declaration.binders if b.type)])
    if deepest > MAX_NESTING:
        raise NeurosymError(ErrorKind.INPUT, f"{what} is nested {deepest} operators deep; the limit is "
                                             f"{MAX_NESTING}", first_line, 1)
    return declaration


# ------------------------------------------------------------------------------------------- elaboration


class Meta:
    """The unknown type of a binder written without one (`∀ x, f x = 0`), fixed by its first typed use."""

    def __init__(self) -> None:
        self.ty: Any = None


COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "≠": operator.ne, "<": operator.lt, "≤": operator.le, ">": operator.gt, "≥": operator.ge,
}
"""The comparison relations by their Lean symbol; the exact evaluator applies them to numbers and the Z3
translation to Z3 terms, so both read a relation the same way.

>>> COMPARISONS["≤"](2, 3), COMPARISONS["≠"](2, 2)
(True, False)
"""


def resolve(ty: Any) -> Any:
    return ty.ty if isinstance(ty, Meta) else ty


def is_numeric(ty: Any) -> bool:
    return resolve(ty) in NUMERIC


def numeric_max(types: list[Any]) -> Any:
    known = [resolve(t) for t in types if is_numeric(t)]
    return max(known, key=NUMERIC.index) if known else None


# Mathlib functions with exact meaning: canonical name -> (parameter types, result type); "a" is a type
# variable fixed by the arguments (abs, floor), "fs" a Finset of the element type.
FUNCTIONS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "Real.sqrt": (("R",), "R"), "Real.log": (("R",), "R"), "Real.exp": (("R",), "R"),
    "Real.logb": (("R", "R"), "R"), "Real.sin": (("R",), "R"), "Real.cos": (("R",), "R"),
    "Real.tan": (("R",), "R"), "Real.arctan": (("R",), "R"),
    "abs": (("a",), "a"), "Int.floor": (("a",), "Z"), "Int.ceil": (("a",), "Z"), "Nat.floor": (("a",), "N"),
    "Nat.ceil": (("a",), "N"), "Int.natAbs": (("Z",), "N"), "Int.toNat": (("Z",), "N"),
    "Nat.factorial": (("N",), "N"), "Nat.gcd": (("N", "N"), "N"), "Nat.lcm": (("N", "N"), "N"),
    "Int.gcd": (("Z", "Z"), "N"), "Nat.choose": (("N", "N"), "N"), "Nat.sqrt": (("N",), "N"),
    "Nat.Prime": (("N",), "Prop"), "Even": (("a",), "Prop"), "Odd": (("a",), "Prop"),
    "Finset.range": (("N",), ("finset", "N")), "Finset.Icc": (("a", "a"), ("finset", "a")),
    "Finset.Ico": (("a", "a"), ("finset", "a")), "Finset.Ioc": (("a", "a"), ("finset", "a")),
    "Finset.Ioo": (("a", "a"), ("finset", "a")), "Finset.card": (("fs",), "N"),
    "Nat.divisors": (("N",), ("finset", "N")), "Nat.properDivisors": (("N",), ("finset", "N")),
    "Rat.num": (("Q",), "Z"), "Rat.den": (("Q",), "N"), "Real.pi": ((), "R"), "Complex.I": ((), "C"),
    "Finset.sum": (("fs", "f"), "b"), "Finset.prod": (("fs", "f"), "b"), "Finset.filter": (("p", "fs"), "fs"),
    "IsLeast": (("set", "a"), "Prop"), "IsGreatest": (("set", "a"), "Prop"),
}
ALIASES = {"sqrt": "Real.sqrt", "√": "Real.sqrt", "log": "Real.log", "exp": "Real.exp", "logb": "Real.logb",
           "sin": "Real.sin", "cos": "Real.cos", "tan": "Real.tan", "π": "Real.pi", "pi": "Real.pi",
           "|": "abs", "Nat.fact": "Nat.factorial", "factorial": "Nat.factorial", "choose": "Nat.choose",
           "Nat.Prime": "Nat.Prime", "Prime": "Nat.Prime", "Int.fract": "Int.fract", "⌊": "Int.floor",
           "⌈": "Int.ceil", "gcd": "Nat.gcd", "lcm": "Nat.lcm", "Finset.sum": "Finset.sum",
           "Finset.prod": "Finset.prod", "Real.rpow": "Real.rpow", "Real.pi": "Real.pi", "Nat.card": "Nat.card",
           "Complex.abs": "Complex.abs", "divisors": "Nat.divisors", "properDivisors": "Nat.properDivisors"}
# Names Lean knows and the fragment accepts, but no backend here models: they elaborate to `opaque`.
OPAQUE = {"Irrational", "Function.Injective", "Function.Surjective", "Function.Bijective", "List.Pairwise",
          "Filter.Tendsto", "Filter.atTop", "𝓝", "Fintype", "Set.toFinset", "NNReal.sqrt", "Equiv", "ZMod",
          "Set.ncard", "Finset.image", "Complex.abs", "Int.fract", "Real.rpow", "Nat.card", "Real.arcsin",
          "Real.arccos", "Real.cosh", "Real.sinh", "Polynomial.eval", "Nat.digits", "Complex.exp", "deriv",
          "Real.cot", "Finset.univ", "Set.Icc", "Set.Ioo", "Set.Ico", "Set.Ioc", "Function.invFun",
          "Nat.totient", "Int.emod", "Int.fmod", "Real.nnabs", "Nat.ModEq", "Int.ModEq", "Nat.Coprime",
          "Real.cbrt", "Complex.re", "Complex.im", "Function.comp", "Fin", "Set", "Finset", "List",
          "Multiset", "Function.Periodic"}
MATHLIB_NAMESPACES = {"Real", "Nat", "Int", "Rat", "Complex", "Finset", "Set", "Function", "Filter", "List",
                      "Polynomial", "NNReal", "ENNReal", "ZMod", "Fin", "Multiset", "Matrix", "MeasureTheory",
                      "Topology", "Equiv", "Order", "BigOperators"}
OPENED = ("Real", "Nat", "Rat", "BigOperators", "Topology")  # miniF2F's `open` line
PROJECTIONS = {"den": "Rat.den", "num": "Rat.num", "card": "Finset.card", "divisors": "Nat.divisors",
               "properDivisors": "Nat.properDivisors", "factorial": "Nat.factorial", "sqrt": "Real.sqrt",
               "gcd": "Nat.gcd", "lcm": "Nat.lcm", "natAbs": "Int.natAbs", "toNat": "Int.toNat",
               "Prime": "Nat.Prime", "choose": "Nat.choose"}
ARITH_OPS = {"+", "-", "*", "/", "%"}
NUMERIC_RELATIONS = {"=", "≠", "<", "≤", ">", "≥", "∣"}


def _error(kind: ErrorKind, message: str, node: Node | Any) -> NeurosymError:
    line, column = _pos(node)
    return NeurosymError(kind, message, line or None, column or None)


@dataclass
class Statement:
    """An elaborated theorem: typed variables, named hypotheses, and the goal, each a typed Node."""

    name: str
    variables: list[tuple[str, Any]]
    hypotheses: list[tuple[str, Node]]
    goal: Node


class Elaborator:
    """Types one declaration. Scopes map a bound name to its type (a Meta while still unknown)."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}

    # ----------------------------------------------------------------------------------------- types
    def type_of(self, node: Node) -> Any:
        """The type a binder's annotation denotes, or None when the annotation is a proposition."""
        if node.kind == "name":
            name = node.value
            if name in TYPE_NAMES:
                return TYPE_NAMES[name]
            return None
        if node.kind == "imp":
            left, right = self.type_of(node.args[0]), self.type_of(node.args[1])
            if left is not None and right is not None and left != "Prop":
                if isinstance(right, tuple) and right[0] == "fun":
                    return ("fun", (left, *right[1]), right[2])
                return ("fun", (left,), right)
            return None
        if node.kind == "app":
            head, args = self.flatten_app(node)
            if head.kind == "name" and head.value in ("Finset", "Set", "List") and len(args) == 1:
                inner = self.type_of(args[0])
                if inner is not None:
                    return (head.value.lower(), inner)
            if head.kind == "name" and head.value in ("ZMod", "Equiv", "Fin", "Multiset", "Polynomial"):
                return ("opaque", head.value)
        return None

    @staticmethod
    def flatten_app(node: Node) -> tuple[Node, list[Node]]:
        args: list[Node] = []
        while node.kind == "app":
            args.append(node.args[1])
            node = node.args[0]
        return node, args[::-1]

    # ------------------------------------------------------------------------------------ declarations
    def declaration(self, decl: Declaration) -> Statement:
        if decl.instance_binders:
            raise _error(ErrorKind.UNSUPPORTED, "instance binders [..] are outside the fragment",
                         decl.instance_binders[0])
        variables: list[tuple[str, Any]] = []
        hypotheses: list[tuple[str, Node]] = []
        for binder in decl.binders:
            ty = self.type_of(binder.type) if binder.type is not None else None
            for token in binder.names:
                name = str(token)
                if ty is not None:
                    self.scope[name] = ty
                    variables.append((name, ty))
                else:
                    prop = self.prop(binder.type)
                    hypotheses.append((name, prop))
        goal = self.prop(decl.goal)
        return Statement(decl.name, variables, hypotheses, goal)

    # -------------------------------------------------------------------------------------- propositions
    def prop(self, node: Node) -> Node:
        out = self.elab(node, "Prop")
        ty = resolve(out.ty)
        if ty not in ("Prop", None) and out.kind != "opaque":
            raise _error(ErrorKind.TYPE, f"expected a proposition, found a term of type {show_type(ty)}", node)
        return out

    # -------------------------------------------------------------------------------------------- terms
    def elab(self, node: Node, expected: Any = None) -> Node:
        """The typed node for `node` where `expected` is the type the context wants (None: any)."""
        k = node.kind
        if k in ("and", "or", "imp", "iff"):
            args = tuple(self.prop(a) for a in node.args)
            return Node(k, args, None, node.line, node.column, "Prop")
        if k == "not":
            return Node("not", (self.prop(node.args[0]),), None, node.line, node.column, "Prop")
        if k == "rel":
            return self.relation(node)
        if k == "modeq":
            ty = node.value
            a, b, n = (self.coerce(self.tree([x], ty)[0], ty, x) for x in node.args)
            return Node("modeq", (a, b, n), ty, node.line, node.column, "Prop")
        if k == "quant":
            return self.quantifier(node)
        if k in ("bin", "neg") and (k == "neg" or node.value in ARITH_OPS or node.value == "^"):
            return self.coerce(self.tree([node], expected)[0], expected, node)
        if k == "bin":
            return self.opaque(node, f"the set operation {node.value!r}")
        out = self.leaf(node, expected)
        return self.coerce(out, expected, node)

    def coerce(self, out: Node, expected: Any, where: Node) -> Node:
        ty, want = resolve(out.ty), resolve(expected)
        if isinstance(out.ty, Meta) and out.ty.ty is None and is_numeric(want):
            out.ty.ty = want
            return out
        if want is None or ty is None or ty == want or out.kind == "opaque" or (want == "Prop" and ty == "Prop"):
            if ty is None and is_numeric(want) and out.kind not in ("opaque",):
                out.ty = want
            return out
        if is_numeric(ty) and is_numeric(want):
            if NUMERIC.index(ty) < NUMERIC.index(want) and not (ty == "Q" and want == "NNR"):
                return Node("cast", (out,), None, out.line, out.column, want)
            raise _error(ErrorKind.TYPE, f"type mismatch: {show(out)} has type {show_type(ty)} but "
                                         f"{show_type(want)} is expected (Lean has no coercion down)", where)
        if want == "Prop" or ty == "Prop":
            raise _error(ErrorKind.TYPE, f"type mismatch: {show(out)} has type {show_type(ty)} but "
                                         f"{show_type(want)} is expected", where)
        return out

    def tree(self, roots: list[Node], expected: Any) -> list[Node]:
        """Lean's binop%: elaborate the leaves of arithmetic trees, pick the largest type, cast leaves up."""
        leaves: list[Node] = []

        def gather(n: Node) -> None:
            if n.kind == "bin" and n.value in ARITH_OPS:
                gather(n.args[0])
                gather(n.args[1])
            elif n.kind == "neg" or (n.kind == "bin" and n.value == "^"):
                gather(n.args[0])
            else:
                leaves.append(n)

        for root in roots:
            gather(root)
        typed: dict[int, Node] = {}
        for leaf in leaves:
            if leaf.kind == "number":
                continue
            if leaf.kind == "coe":
                typed[id(leaf)] = self.elab(leaf.args[0], None)
                continue
            typed[id(leaf)] = self.elab(leaf, None)
        want = resolve(expected) if is_numeric(expected) else None
        candidates = [t.ty for leaf, t in ((lf, typed.get(id(lf))) for lf in leaves)
                      if t is not None and leaf.kind != "coe"]
        top = numeric_max([*candidates, want] if want else candidates)
        if top is None:
            others = [resolve(t.ty) for t in typed.values() if resolve(t.ty) is not None]
            if len(leaves) == 1 and len(roots) == 1 and others:
                return [typed[id(leaves[0])]]
            top = "N"

        def rebuild(n: Node) -> Node:
            if n.kind == "bin" and n.value in ARITH_OPS:
                return Node("bin", (rebuild(n.args[0]), rebuild(n.args[1])), n.value, n.line, n.column, top)
            if n.kind == "neg":
                return Node("neg", (rebuild(n.args[0]),), None, n.line, n.column, top)
            if n.kind == "bin" and n.value == "^":
                base = rebuild(n.args[0])
                exponent = self.elab(n.args[1], None)
                if resolve(exponent.ty) is None and exponent.kind == "num":
                    exponent.ty = "N"
                if not is_numeric(exponent.ty) and exponent.kind != "opaque":
                    raise _error(ErrorKind.TYPE, f"the exponent {show(exponent)} is not a number", n.args[1])
                return Node("bin", (base, exponent), "^", n.line, n.column, top)
            if n.kind == "number":
                return Node("num", (), n.value, n.line, n.column, top)
            out = typed[id(n)]
            if n.kind == "coe":
                inner_ty = resolve(out.ty)
                if inner_ty == top or not is_numeric(inner_ty):
                    return out
                return self.coerce(out, top, n)
            if out.kind == "opaque":
                return out
            oty = resolve(out.ty)
            if isinstance(oty, tuple) and oty[0] in ("opaque", "set", "list"):
                return self.opaque(n, f"arithmetic on {show_type(oty)}")
            if not is_numeric(out.ty) and not isinstance(out.ty, Meta) and (len(leaves) > 1 or len(roots) > 1):
                raise _error(ErrorKind.TYPE, f"{show(out)} of type {show_type(resolve(out.ty))} is not a number",
                             n)
            return self.coerce(out, top, n)

        return [rebuild(root) for root in roots]

    def relation(self, node: Node) -> Node:
        op = node.value
        left, right = node.args
        if op in ("∈", "∉"):
            domain = self.elab(right, None)
            dty = resolve(domain.ty)
            elem_ty = dty[1] if isinstance(dty, tuple) and dty[0] in ("finset", "set", "list") else None
            elem = self.elab(left, elem_ty)
            return Node("rel", (elem, domain), op, node.line, node.column, "Prop")
        if op == "⊆":
            return self.opaque(node, "⊆")
        lhs, rhs = self.tree([left, right], None)
        lt, rt = resolve(lhs.ty), resolve(rhs.ty)
        if not (is_numeric(lt) and is_numeric(rt)):
            if "opaque" in (lhs.kind, rhs.kind):
                return Node("rel", (lhs, rhs), op, node.line, node.column, "Prop")
            if op in ("=", "≠") and lt == rt:
                return Node("rel", (lhs, rhs), op, node.line, node.column, "Prop")
            raise _error(ErrorKind.TYPE, f"cannot compare {show(lhs)} : {show_type(lt)} with "
                                         f"{show(rhs)} : {show_type(rt)}", node)
        return Node("rel", (lhs, rhs), op, node.line, node.column, "Prop")

    def quantifier(self, node: Node) -> Node:
        q, binders = node.value
        kind = {"∀": "forall", "∃": "exists", "∃!": "exists1"}[q]
        saved = dict(self.scope)
        try:
            names: list[tuple[str, Any]] = []
            guards: list[Node] = []
            later: list[tuple[int, Node]] = []  # guards elaborated after the body, which fixes binder types
            for binder in binders:
                ty = self.type_of(binder.type) if binder.type is not None else Meta()
                if ty is None:  # (_ : y ≠ 0): an anonymous hypothesis binder
                    later.append((len(guards), binder.type))
                    guards.append(binder.type)
                    continue
                for token in binder.names:
                    self.scope[str(token)] = ty
                    names.append((str(token), ty))
                if binder.bound:
                    op, bound = binder.bound
                    var = Node("name", (), str(binder.names[0]), node.line, node.column)
                    raw = Node("rel", (var, bound), op, bound.line, bound.column)
                    if op in ("∈", "∉"):
                        guards.append(self.elab(raw, "Prop"))
                    else:
                        later.append((len(guards), raw))
                        guards.append(raw)
            body = self.prop(node.args[0])
            for index, raw in later:
                guards[index] = self.prop(raw)
            # a binder whose type its uses never fixed defaults to ℕ, as Lean's numerals do
            for index, (name, ty) in enumerate(names):
                if isinstance(ty, Meta):
                    if ty.ty is None:
                        ty.ty = "N"
                    names[index] = (name, ty.ty)
            guards = [_fix_metas(g) for g in guards]
            body = _fix_metas(body)
            for guard in reversed(guards):
                body = Node("imp" if kind == "forall" else "and", (guard, body), None, node.line, node.column, "Prop")
            for name, ty in reversed(names):
                body = Node(kind, (body,), (name, ty), node.line, node.column, "Prop")
            return body
        finally:
            self.scope = saved

    def opaque(self, node: Node, what: str) -> Node:
        self.check_names(node)
        return Node("opaque", (), what, node.line, node.column, None)

    def check_names(self, node: Node) -> None:
        """Every name under an opaque node must still be bound or known (unknown identifiers are errors)."""
        stack = [(node, frozenset())]
        while stack:
            n, bound = stack.pop()
            if not isinstance(n, Node):
                continue
            if n.kind == "name" and n.value not in bound:
                self.resolve_name(n, check_only=True)
            extra: set[str] = set()
            if n.kind == "quant":
                extra = {str(t) for b in n.value[1] for t in b.names}
                for b in n.value[1]:
                    for sub in (b.type, b.bound[1] if b.bound else None):
                        if sub is not None:
                            stack.append((sub, bound | extra))
            elif n.kind in ("lambda",):
                extra = set(n.value)
            elif n.kind in ("bigop", "setbuilder"):
                extra = {n.value[1] if n.kind == "bigop" else n.value[0]}
            for child in n.args:
                stack.append((child, bound | extra))

    def resolve_name(self, node: Node, check_only: bool = False) -> Node:
        name = node.value
        if name in self.scope:
            return Node("var", (), name, node.line, node.column, self.scope[name])
        if name in TYPE_NAMES:
            return Node("opaque", (), f"the type {name} used as a value", node.line, node.column)
        head, _, rest = name.partition(".")
        if rest and head in self.scope:
            out = Node("var", (), head, node.line, node.column, self.scope[head])
            for field_name in rest.split("."):
                out = self.projection(out, field_name, node)
            return out
        canonical = self.canonical(name)
        if canonical in FUNCTIONS:
            params, result = FUNCTIONS[canonical]
            if not params:
                return Node("const", (), canonical, node.line, node.column, result)
            return Node("fn", (), canonical, node.line, node.column, ("fn", canonical))
        if canonical in OPAQUE or name in OPAQUE:
            return Node("opaque", (), canonical, node.line, node.column)
        if head in MATHLIB_NAMESPACES and rest:
            raise _error(ErrorKind.UNSUPPORTED, f"{name} is outside the supported Lean fragment", node)
        raise _error(ErrorKind.TYPE, f"unknown identifier '{name}'", node)

    @staticmethod
    def canonical(name: str) -> str:
        if name in FUNCTIONS or name in OPAQUE:
            return name
        if name in ALIASES:
            return ALIASES[name]
        for namespace in OPENED:
            full = f"{namespace}.{name}"
            if full in FUNCTIONS or full in OPAQUE:
                return full
        return name

    def projection(self, out: Node, field_name: str, where: Node) -> Node:
        target = PROJECTIONS.get(field_name)
        if target is None:
            return self.opaque(Node("name", (), "Nat"), f"the projection .{field_name}")
        return self.call(target, [out], where, pre_elaborated=True)

    def leaf(self, node: Node, expected: Any) -> Node:
        k = node.kind
        if k == "number":
            return Node("num", (), node.value, node.line, node.column, resolve(expected) if is_numeric(expected)
                        else "N")
        if k == "name":
            out = self.resolve_name(node)
            if out.kind == "fn":
                return self.call(out.value, [], node)
            return out
        if k == "coe":
            inner = self.elab(node.args[0], None)
            return self.coerce(inner, expected, node) if is_numeric(expected) else inner
        if k == "ascribe":
            ty = self.type_of(node.args[1])
            if ty is None:
                raise _error(ErrorKind.TYPE, f"{show(node.args[1])} is not a type", node.args[1])
            return self.coerce(self.elab(node.args[0], ty), ty, node)
        if k == "app":
            head, args = self.flatten_app(node)
            return self.application(head, args, node, expected)
        if k == "abs":
            return self.call("abs", [node.args[0]], node, expected=expected)
        if k == "floor":
            return self.call("Int.floor", [node.args[0]], node)
        if k == "ceil":
            return self.call("Int.ceil", [node.args[0]], node)
        if k == "sqrt":
            return self.call("Real.sqrt", [node.args[0]], node)
        if k == "factorial":
            return self.call("Nat.factorial", [node.args[0]], node)
        if k == "proj":
            return self.projection(self.elab(node.args[0], None), node.value, node)
        if k == "inv":
            inner = self.elab(node.args[0], expected)
            if not is_numeric(inner.ty) or resolve(inner.ty) in ("N", "Z"):
                return self.opaque(node, "⁻¹ outside a field")
            one = Node("num", (), Fraction(1), node.line, node.column, resolve(inner.ty))
            return Node("bin", (one, inner), "/", node.line, node.column, resolve(inner.ty))
        if k == "bigop":
            return self.bigop(node, expected)
        if k == "lambda":
            return self.opaque(node, "a function written with fun")
        if k in ("setbuilder", "setlit", "list", "hole"):
            return self.opaque(node, {"setbuilder": "a set {x | p x}", "setlit": "a set literal {..}",
                                      "list": "a list literal", "hole": "the placeholder ·"}[k])
        return self.elab(node, expected)

    def application(self, head: Node, args: list[Node], node: Node, expected: Any) -> Node:
        if head.kind == "name":
            resolved = self.resolve_name(head)
            if resolved.kind == "fn":
                return self.call(resolved.value, args, node, expected=expected)
            if resolved.kind == "opaque":
                return self.opaque(node, resolved.value)
            fty = resolve(resolved.ty)
            if isinstance(fty, tuple) and fty[0] == "fun":
                params, result = fty[1], fty[2]
                if len(args) > len(params):
                    raise _error(ErrorKind.TYPE, f"{head.value} takes {len(params)} argument(s), given {len(args)}",
                                 node)
                typed = [self.elab(a, p) for a, p in zip(args, params, strict=False)]
                if len(args) < len(params):
                    return self.opaque(node, f"the partial application of {head.value}")
                return Node("apply", (resolved, *typed), None, node.line, node.column, result)
            if resolved.kind == "var":
                if isinstance(fty, tuple) and fty[0] == "opaque":
                    return self.opaque(node, f"{show_type(fty)}")
                raise _error(ErrorKind.TYPE, f"{head.value} : {show_type(fty)} is not a function", node)
        callee = self.elab(head, None)
        if callee.kind == "opaque":
            return self.opaque(node, callee.value)
        raise _error(ErrorKind.TYPE, f"{show(callee)} is not a function", node)

    def call(self, name: str, args: list[Node], node: Node, expected: Any = None,
             pre_elaborated: bool = False) -> Node:
        params, result = FUNCTIONS[name]
        if name in ("Finset.sum", "Finset.prod", "Finset.filter", "IsLeast", "IsGreatest"):
            return self.special_call(name, args, node, expected)
        if len(args) != len(params):
            if len(args) < len(params):
                return self.opaque(node, f"the partial application of {name}")
            raise _error(ErrorKind.TYPE, f"{name} takes {len(params)} argument(s), given {len(args)}", node)
        typed: list[Node] = []
        var_ty: Any = None
        for arg, param in zip(args, params, strict=True):
            if pre_elaborated:
                out = arg
                if param not in ("a", "fs"):
                    out = self.coerce(out, param, node)
            elif param == "a":
                want = var_ty or (expected if name == "abs" else None)
                out = self.elab(arg, want)
            elif param == "fs":
                out = self.elab(arg, None)
            else:
                out = self.elab(arg, param)
            if param == "a" and var_ty is None:
                var_ty = resolve(out.ty)
            if out.kind == "opaque":
                return self.opaque(node, out.value)
            typed.append(out)
        if params and params[0] == "a" and len(params) == 2:  # Icc a b: both sides one type
            top = numeric_max([t.ty for t in typed]) or "N"
            typed = [self.coerce(t, top, node) for t in typed]
            var_ty = top
        if name == "Finset.card":
            fty = resolve(typed[0].ty)
            if not (isinstance(fty, tuple) and fty[0] == "finset"):
                return self.opaque(node, "the card of a non-Finset")
        res = result
        if result == "a":
            res = var_ty
        elif isinstance(result, tuple) and result[1] == "a":
            res = (result[0], var_ty)
        return Node("call", tuple(typed), name, node.line, node.column, res)

    def special_call(self, name: str, args: list[Node], node: Node, expected: Any) -> Node:
        if name in ("IsLeast", "IsGreatest"):
            return self.opaque(node, name)
        if len(args) != 2:
            return self.opaque(node, f"{name} with {len(args)} argument(s)")
        if name == "Finset.filter":
            predicate, domain = args
            dom = self.elab(domain, None)
            dty = resolve(dom.ty)
            if predicate.kind != "lambda" or len(predicate.value) != 1 or not (
                    isinstance(dty, tuple) and dty[0] == "finset"):
                return self.opaque(node, "Finset.filter with this predicate")
            var = predicate.value[0]
            saved = dict(self.scope)
            try:
                self.scope[var] = dty[1]
                body = self.prop(predicate.args[0])
            finally:
                self.scope = saved
            lam = Node("lambda", (body,), (var, dty[1]), predicate.line, predicate.column, "Prop")
            return Node("call", (lam, dom), "Finset.filter", node.line, node.column, dty)
        # Finset.sum s f: f a function variable or `fun k => body`
        domain, function = args
        op = "sum" if name == "Finset.sum" else "prod"
        if function.kind == "lambda" and len(function.value) == 1:
            var, body = function.value[0], function.args[0]
        elif function.kind == "name":
            var, body = "_k", Node("app", (function, Node("name", (), "_k", node.line, node.column)), None,
                                   node.line, node.column)
        else:
            return self.opaque(node, f"{name} with this function")
        return self.bigop(Node("bigop", (Node("none"), domain, body), (op, var), node.line, node.column), expected)

    def bigop(self, node: Node, expected: Any) -> Node:
        op, var = node.value
        _, domain, body = node.args
        if domain.kind == "none":
            return self.opaque(node, "a sum over a whole type")
        dom = self.elab(domain, None)
        dty = resolve(dom.ty)
        if dom.kind == "opaque":
            return self.opaque(node, dom.value)
        if not (isinstance(dty, tuple) and dty[0] in ("finset",)):
            raise _error(ErrorKind.TYPE, f"{show(dom)} is not a Finset", domain)
        saved = dict(self.scope)
        try:
            self.scope[var] = dty[1]
            out = self.elab(body, expected if is_numeric(expected) else None)
        finally:
            self.scope = saved
        if out.kind == "opaque":
            return self.opaque(node, out.value)
        if not is_numeric(out.ty):
            raise _error(ErrorKind.TYPE, f"the body {show(out)} of a {op} is not a number", body)
        return Node("bigop", (dom, out), (op, var, dty[1]), node.line, node.column, resolve(out.ty))


def _fix_metas(node: Node) -> Node:
    """Replace resolved Meta types in a finished subtree by the types they stand for."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n.ty, Meta):
            n.ty = n.ty.ty or "N"
        if n.kind in ("forall", "exists", "exists1") and isinstance(n.value[1], Meta):
            n.value = (n.value[0], n.value[1].ty or "N")
        stack.extend(a for a in n.args if isinstance(a, Node))
    return node


def elaborate(text: str, what: str = "statement", first_line: int = 1) -> Statement:
    """Parse and elaborate a statement: a Statement whose nodes carry Lean's types.

    Examples:
        >>> s = elaborate("theorem t (n k : ℕ) (h : (n : ℝ) / (n + k) < 1) : 0 < k := by sorry")
        >>> show(s.hypotheses[0][1])
        '((↑n : ℝ) / ((↑n : ℝ) + (↑k : ℝ))) < 1'
    """
    declaration = parse_statement(text, what, first_line)
    statement = Elaborator().declaration(declaration)
    for _, hypothesis in statement.hypotheses:
        _fix_metas(hypothesis)
    _fix_metas(statement.goal)
    return statement


def opaque_parts(node: Node) -> list[Node]:
    """The opaque nodes under `node`: the constructs no backend here models."""
    found, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.kind == "opaque":
            found.append(n)
        stack.extend(a for a in n.args if isinstance(a, Node))
    return found


# ------------------------------------------------------------------------------------------ the language

HEADER_LINE = re.compile(r"^\s*(import|set_option|open)\b")


def program_text(fields: dict[str, Any]) -> tuple[str, int]:
    """The statement text to parse and the line its first line has in the program the user sees."""
    statement = fields["statement"]
    header = fields.get("header") or ""
    if header.strip():
        return f"{header.rstrip()}\n\n{statement}", 1
    return statement, 1


def parse_program(program: Program) -> Statement:
    text, first_line = program_text(program.fields)
    return elaborate(text, "statement", first_line)


class LeanLanguage(Language):
    name = "lean"
    suffixes = (".lean",)

    def program_from_problem(self, problem: Problem) -> Program:
        fields: dict[str, Any] = {"statement": require_field(problem, "statement", str)}
        header = problem.formal.get("header")
        if isinstance(header, str):
            fields["header"] = header
        return Program("lean", fields)

    def check(self, program: Program) -> dict[str, Any]:
        statement = parse_program(program)
        opaque = sorted({str(n.value) for n in [*opaque_parts(statement.goal),
                                                 *(p for _, h in statement.hypotheses for p in opaque_parts(h))]})
        return {"theorem": statement.name, "variables": len(statement.variables),
                "hypotheses": len(statement.hypotheses), "outside_backends": opaque}

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        """A `.lean` file: header lines (import/open/set_option) then one theorem ending in `:= by sorry`."""
        data = {"id": path.stem, "language": "lean", "statement": text, "expect": "proved"}
        return Problem.from_dict(data, path.stem, source=str(path))

    def normalize_answer(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "proved" if value else "refuted"
        text = str(value).strip().lower()
        return {"true": "proved", "false": "refuted"}.get(text, text)


LANGUAGE = LeanLanguage()
